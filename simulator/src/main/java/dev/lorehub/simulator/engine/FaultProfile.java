package dev.lorehub.simulator.engine;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A named set of fault kinds; {@link #SWARM} draws which kinds are on, and their parameters, per seed. */
public enum FaultProfile {
    NONE(EnumSet.noneOf(FaultKind.class)),
    LOSSY(EnumSet.of(FaultKind.JITTER, FaultKind.LOSS, FaultKind.RESETS, FaultKind.DUPLICATES, FaultKind.REORDER)),
    PARTITIONS(EnumSet.of(FaultKind.JITTER, FaultKind.PARTITIONS)),
    CRASHES(EnumSet.of(FaultKind.CRASHES, FaultKind.RESTARTS, FaultKind.PAUSES)),
    CLOCKS(EnumSet.of(FaultKind.CLOCKS)),
    /** Every network, process and clock fault: all kinds but {@link FaultKind#ADVERSARIAL} (every device honest). */
    ALL(EnumSet.complementOf(EnumSet.of(FaultKind.ADVERSARIAL))),
    /** An attacker among the devices, over a network with jitter, partitions and crashes. */
    ADVERSARIAL(EnumSet.of(FaultKind.ADVERSARIAL, FaultKind.JITTER, FaultKind.PARTITIONS, FaultKind.CRASHES)),
    /** Each kind on with probability 1/2, the attacker included. */
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
                + "': use none, lossy, partitions, crashes, clocks, all, adversarial or swarm");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
