package dev.lorehub.node.remote;

import java.util.random.RandomGenerator;

/**
 * When a remote's next round comes after a successful one (issue 17, adaptive scheduling): often
 * while edits flow, rarely while nothing happens, and rarer still on a metered link. Failures are
 * not its business: after a failed round {@link Backoff} alone decides, and nothing here can bring a
 * retry forward. Pure: the time and the randomness are arguments; the only state is the count of
 * idle rounds in a row and the time of the last round (kept in memory: after a restart the gaps
 * start again from the interval, and the first round's outcome sets them).
 *
 * <p>With {@code I} the backend's {@code interval} and {@code n} the number of rounds in a row that
 * moved nothing (a round that pushed or pulled an event, or one prompted by a local write, a
 * PostgreSQL notification, a newly shared realm or {@code sync now}, sets {@code n} to 0):
 * <table>
 *   <caption>gap before the next round</caption>
 *   <tr><th></th><th>after activity ({@code n = 0})</th><th>after {@code n} idle rounds</th>
 *       <th>local change, notification</th></tr>
 *   <tr><td>{@link #adaptive adaptive}</td><td>{@code max(5 s, I/4)}</td>
 *       <td>{@code I} for {@code n ≤ 3}, then doubling: {@code 2I, 4I}, capped at {@code 8I}</td>
 *       <td>a round at once</td></tr>
 *   <tr><td>{@link #adaptive metered}</td><td>{@code I}</td>
 *       <td>{@code 2^n · I}, capped at {@code 32I}</td>
 *       <td>a round once {@code I} has passed since the last one, so the edits of a burst go out in
 *       one push instead of one each</td></tr>
 *   <tr><td>{@link #fixed fixed}</td><td>{@code I}</td><td>{@code I}</td><td>a round at once</td></tr>
 * </table>
 * Each adaptive gap is shortened by a random part of up to a tenth ({@code g - U·g/10}), never
 * below 5 s, so that devices which synced together drift apart. With the default {@code I = 60 s}
 * an idle remote gets a round every 7.2-8 minutes (about 8 an hour instead of 60), a metered one
 * every 28.8-32 minutes. A device that shares no realm gets no round at all ({@link RemoteDriver}).
 */
public final class Schedule {
    /** No gap is shorter than this (nor is any configured interval). */
    public static final long FLOOR_MILLIS = 5_000;
    /** Idle rounds in a row at the plain interval before the gap starts doubling. */
    static final int STEADY_IDLE_ROUNDS = 3;
    /** The longest idle gap, in intervals. */
    static final int CAP = 8;
    /** The longest idle gap on a metered link, in intervals. */
    static final int METERED_CAP = 32;

    /** How a schedule spaces its rounds. */
    public enum Mode { FIXED, ADAPTIVE, METERED }

    private final Mode mode;
    private final long intervalMillis;
    private int idleRounds;
    private long lastRoundAt = Long.MIN_VALUE;

    private Schedule(Mode mode, long intervalMillis) {
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.mode = mode;
        this.intervalMillis = intervalMillis;
    }

    /** The rule before issue 17: a round every interval, whatever happens (benchmarks compare against it). */
    public static Schedule fixed(long intervalMillis) {
        return new Schedule(Mode.FIXED, intervalMillis);
    }

    /** The adaptive rule of the class comment, for a normal or a metered link. */
    public static Schedule adaptive(long intervalMillis, boolean metered) {
        return new Schedule(metered ? Mode.METERED : Mode.ADAPTIVE, intervalMillis);
    }

    /** The schedule a configured backend follows. */
    public static Schedule of(BackendConfig backend) {
        return adaptive(backend.interval() * 1000L, backend.metered());
    }

    public Mode mode() {
        return mode;
    }

    /** Rounds in a row that moved nothing. */
    public int idleRounds() {
        return idleRounds;
    }

    /**
     * The gap before the next round, without jitter, after {@code idle} rounds in a row that moved
     * nothing (0: the last round was active).
     */
    public long gap(int idle) {
        long i = intervalMillis;
        return switch (mode) {
            case FIXED -> i;
            case ADAPTIVE -> idle == 0 ? Math.max(FLOOR_MILLIS, i / 4)
                : i * Math.min(CAP, 1L << Math.min(Math.max(0, idle - STEADY_IDLE_ROUNDS), 10));
            case METERED -> idle == 0 ? i : i * Math.min(METERED_CAP, 1L << Math.min(idle, 10));
        };
    }

    /**
     * Records a successful round and returns when the next one is due.
     *
     * @param moved    whether the round pushed or pulled any event
     * @param prompted whether something asked for it (local write, notification, new realm, {@code sync now})
     */
    public long succeeded(boolean moved, boolean prompted, long now, RandomGenerator random) {
        idleRounds = moved || prompted ? 0 : Math.min(idleRounds + 1, 1_000);
        lastRoundAt = now;
        long g = gap(idleRounds);
        if (mode != Mode.FIXED) {
            g = Math.max(Math.min(FLOOR_MILLIS, g), g - (long) (random.nextDouble() * (g / 10)));
        }
        return now + g;
    }

    /** Records a failed round (its retry is {@link Backoff}'s business). */
    public void failed(long now) {
        lastRoundAt = now;
    }

    /**
     * The earliest time a prompted round (a local change, a notification, a newly shared realm) may
     * start: at once, except on a metered link, which waits until an interval has passed since its
     * last round so that a burst of edits makes one round.
     */
    public long promptedNotBefore() {
        return mode == Mode.METERED && lastRoundAt != Long.MIN_VALUE ? lastRoundAt + intervalMillis : Long.MIN_VALUE;
    }
}
