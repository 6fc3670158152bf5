package dev.lorehub.archfixture;

import java.util.Random;

/** A deliberately bad "core" used only to prove that {@code SansIoRules} can fail. */
public final class WallClockCore {
    private WallClockCore() {
    }

    /** Reads the clock, starts a thread and draws unseeded randomness: three violations. */
    public static long bad() {
        long t = System.nanoTime();
        new Thread(() -> { }).start();
        return t + new Random().nextInt();
    }
}
