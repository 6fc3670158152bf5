package dev.lorehub.simulator.engine;

import dev.lorehub.node.core.HybridClock;

/** HLC timestamps in failure reports. */
final class HybridClockText {
    private HybridClockText() {
    }

    static String format(long hlc) {
        return HybridClock.format(hlc);
    }
}
