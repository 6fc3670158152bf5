package dev.lorehub.simulator.engine;

import java.util.SplittableRandom;

/** One-way network delay of a frame on a LAN, in ms. */
public enum LatencyModel {
    /** Always 2 ms. */
    FIXED,
    /** Uniform within 1..20 ms. */
    UNIFORM,
    /** 1 ms plus a Pareto tail (scale 2 ms, shape 1.2), capped at 3 s: mostly fast, occasionally very slow (Wi-Fi). */
    LONG_TAIL;

    /** One delay drawn from the model. */
    public long sample(SplittableRandom r) {
        return switch (this) {
            case FIXED -> 2;
            case UNIFORM -> 1 + r.nextLong(20);
            case LONG_TAIL -> {
                double u = 1.0 - r.nextDouble(); // (0, 1]
                double pareto = 2.0 / Math.pow(u, 1 / 1.2);
                yield Math.min(3000, 1 + (long) pareto);
            }
        };
    }
}
