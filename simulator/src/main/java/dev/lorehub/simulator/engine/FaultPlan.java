package dev.lorehub.simulator.engine;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The fault parameters of one run, drawn from the seed: fixed values for the named profiles,
 * independent draws per kind for swarm (each kind on with probability 1/2, then its intensity),
 * in the spirit of swarm testing: many different mixes rather than everything at once.
 *
 * @param kinds            fault kinds in effect
 * @param latency          delay model of every link
 * @param lossRate         probability that a frame's first transmission is lost (each retransmission too)
 * @param resetRate        probability that a frame's connection is reset instead of delivering it
 * @param duplicateRate    probability that a connection attempt races a second one from the peer
 * @param partitionGapMs   mean quiet time between partition episodes
 * @param partitionMaxMs   longest partition episode
 * @param crashGapMs       mean time between crashes of some node
 * @param downMaxMs        longest a crashed node stays down
 * @param pauseGapMs       mean time between pauses (sleeps) of some node
 * @param pauseMaxMs       longest pause
 * @param maxSkewMs        largest clock offset of a node (either sign)
 * @param maxDriftPpm      largest clock drift (either sign), parts per million
 * @param jumpGapMs        mean time between clock jumps of some node
 * @param maxJumpMs        largest clock jump (either sign)
 * @param restartGapMs     mean time between user stops of some node
 * @param stoppedMaxMs     longest a stopped node stays stopped
 * @param longOutageStartMs when the long outage starts (swarm only; 0 with no long outage)
 * @param longOutageMs     how long one device is cut off from everyone (or asleep) for hours of simulated time,
 *                         past the end of the workload; the heal waits for it (0: none)
 * @param longOutageSleeps whether the long outage is a sleep (else an isolating partition)
 * @param attackGapMs      mean time between the attacker's attempts
 */
public record FaultPlan(Set<FaultKind> kinds, LatencyModel latency, double lossRate, double resetRate, double duplicateRate,
                        long partitionGapMs, long partitionMaxMs, long crashGapMs, long downMaxMs, long pauseGapMs,
                        long pauseMaxMs, long maxSkewMs, double maxDriftPpm, long jumpGapMs, long maxJumpMs,
                        long restartGapMs, long stoppedMaxMs, long longOutageStartMs, long longOutageMs,
                        boolean longOutageSleeps, long attackGapMs) {

    public boolean has(FaultKind k) {
        return kinds.contains(k);
    }

    /** The plan for a config, drawn from {@code r}. */
    public static FaultPlan draw(SimConfig config, SplittableRandom r) {
        EnumSet<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        boolean swarm = config.profile() == FaultProfile.SWARM;
        for (FaultKind k : FaultKind.values()) {
            // always draw, so that toggling one kind does not shift the draws of the others
            boolean coin = r.nextBoolean();
            if (config.enabledKinds().contains(k) && (!swarm || coin)) {
                kinds.add(k);
            }
        }
        // intensities: fixed "typical bad day" values, or drawn per seed in swarm mode
        double u1 = r.nextDouble();
        double u2 = r.nextDouble();
        double u3 = r.nextDouble();
        double u4 = r.nextDouble();
        double u5 = r.nextDouble();
        double u6 = r.nextDouble();
        double u7 = r.nextDouble();
        boolean tail = r.nextBoolean();
        LatencyModel latency = !kinds.contains(FaultKind.JITTER) ? LatencyModel.FIXED
            : swarm ? (tail ? LatencyModel.LONG_TAIL : LatencyModel.UNIFORM) : LatencyModel.LONG_TAIL;
        double loss = !kinds.contains(FaultKind.LOSS) ? 0 : swarm ? 0.01 + 0.19 * u1 : 0.05;
        double reset = !kinds.contains(FaultKind.RESETS) ? 0 : swarm ? 0.0005 + 0.01 * u2 : 0.003;
        double dup = !kinds.contains(FaultKind.DUPLICATES) ? 0 : swarm ? 0.1 + 0.6 * u3 : 0.25;
        long partitionGap = swarm ? 10_000 + (long) (50_000 * u4) : 25_000;
        long partitionMax = swarm ? 20_000 + (long) (100_000 * u5) : 90_000;
        long crashGap = swarm ? 15_000 + (long) (60_000 * u6) : 30_000;
        long downMax = swarm ? 5_000 + (long) (60_000 * u7) : 30_000;
        long pauseGap = swarm ? 20_000 + (long) (60_000 * u4) : 40_000;
        long pauseMax = swarm ? 10_000 + (long) (110_000 * u5) : 90_000;
        long skew = !kinds.contains(FaultKind.CLOCKS) ? 0 : swarm ? (long) (7_200_000 * u6 * u6) : 120_000;
        double drift = !kinds.contains(FaultKind.CLOCKS) ? 0 : swarm ? 2000 * u7 : 200;
        long jumpGap = swarm ? 20_000 + (long) (60_000 * u1) : 45_000;
        long maxJump = swarm ? 1000 + (long) (3_600_000 * u2 * u2) : 300_000;
        double u8 = r.nextDouble();
        double u9 = r.nextDouble();
        double u10 = r.nextDouble();
        boolean sleeps = r.nextBoolean();
        long restartGap = swarm ? 20_000 + (long) (60_000 * u8) : 40_000;
        long stoppedMax = swarm ? 2_000 + (long) (40_000 * u9) : 20_000;
        long attackGap = swarm ? 2_000 + (long) (10_000 * u10) : 4_000;
        // Hours-long outages (a laptop left asleep over lunch, a device off the network all afternoon):
        // one in eight swarm seeds with partitions or sleeps on; the heal waits for its end.
        long outage = 0;
        long outageStart = 0;
        boolean canLong = sleeps ? kinds.contains(FaultKind.PAUSES) : kinds.contains(FaultKind.PARTITIONS);
        if (swarm && canLong && u9 < 0.125) {
            outage = 600_000 + (long) (6_600_000 * u8); // 10 min to 2 h
            outageStart = (long) (config.durationMs() * (0.2 + 0.6 * u10));
        }
        return new FaultPlan(kinds, latency, loss, reset, dup, partitionGap, partitionMax, crashGap, downMax, pauseGap,
            pauseMax, skew, drift, jumpGap, maxJump, restartGap, stoppedMax, outageStart, outage, sleeps, attackGap);
    }

    /** A one-line description for reports. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("latency=").append(latency.name().toLowerCase(Locale.ROOT));
        if (has(FaultKind.LOSS)) {
            sb.append(String.format(Locale.ROOT, " loss=%.3f", lossRate));
        }
        if (has(FaultKind.RESETS)) {
            sb.append(String.format(Locale.ROOT, " resets=%.4f", resetRate));
        }
        if (has(FaultKind.DUPLICATES)) {
            sb.append(String.format(Locale.ROOT, " dup_connections=%.2f", duplicateRate));
        }
        if (has(FaultKind.REORDER)) {
            sb.append(" reorder");
        }
        if (has(FaultKind.PARTITIONS)) {
            sb.append(" partitions(gap~").append(secs(partitionGapMs)).append(",max ")
                .append(secs(partitionMaxMs)).append(')');
        }
        if (has(FaultKind.CRASHES)) {
            sb.append(" crashes(gap~").append(secs(crashGapMs)).append(",down<=").append(secs(downMaxMs))
                .append(')');
        }
        if (has(FaultKind.PAUSES)) {
            sb.append(" pauses(gap~").append(secs(pauseGapMs)).append(",max ").append(secs(pauseMaxMs))
                .append(')');
        }
        if (has(FaultKind.RESTARTS)) {
            sb.append(" restarts(gap~").append(secs(restartGapMs)).append(",stopped<=").append(secs(stoppedMaxMs))
                .append(')');
        }
        if (has(FaultKind.CLOCKS)) {
            sb.append(String.format(Locale.ROOT, " clocks(skew<=%s,drift<=%.0fppm,jumps<=%s,one 1h step)", secs(maxSkewMs),
                maxDriftPpm, secs(maxJumpMs)));
        }
        if (longOutageMs > 0) {
            sb.append(longOutageSleeps ? " long_sleep(" : " long_isolation(").append(secs(longOutageMs)).append(" from ")
                .append(secs(longOutageStartMs)).append(')');
        }
        if (has(FaultKind.ADVERSARIAL)) {
            sb.append(" attacker(gap~").append(secs(attackGapMs)).append(')');
        }
        return sb.toString();
    }

    private static String secs(long ms) {
        return SimTime.cli(Math.max(1000, Math.round(ms / 1000.0) * 1000));
    }
}
