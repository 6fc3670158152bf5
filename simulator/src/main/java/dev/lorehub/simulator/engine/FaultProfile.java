package dev.lorehub.simulator.engine;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A named set of fault kinds; {@link #SWARM} draws which kinds are on, and their parameters, per seed. */
public enum FaultProfile {
    NONE(EnumSet.noneOf(FaultKind.class)),
    LOSSY(EnumSet.of(FaultKind.JITTER, FaultKind.LOSS, FaultKind.RESETS, FaultKind.DUPLICATES, FaultKind.REORDER)),
    PARTITIONS(EnumSet.of(FaultKind.JITTER, FaultKind.PARTITIONS)),
    CRASHES(EnumSet.of(FaultKind.CRASHES, FaultKind.PAUSES)),
    CLOCKS(EnumSet.of(FaultKind.CLOCKS)),
    ALL(EnumSet.allOf(FaultKind.class)),
    SWARM(EnumSet.allOf(FaultKind.class));

    private final Set<FaultKind> kinds;

    FaultProfile(Set<FaultKind> kinds) {
        this.kinds = kinds;
    }

    /** The kinds this profile may turn on (swarm turns each on with probability 1/2). */
    public Set<FaultKind> kinds() {
        return EnumSet.copyOf(kinds.isEmpty() ? EnumSet.noneOf(FaultKind.class) : kinds);
    }

    public static FaultProfile parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault profile '" + text
                + "': use none, lossy, partitions, crashes, clocks, all or swarm");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
