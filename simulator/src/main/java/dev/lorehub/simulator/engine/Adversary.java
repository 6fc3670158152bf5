package dev.lorehub.simulator.engine;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.sync.SyncStore;

import java.util.Map;
import java.util.SplittableRandom;

/** The attacker (filled in below). */
final class Adversary {
    private final Simulation sim;
    private final SimNode node;
    private final SplittableRandom random;
    private final FaultPlan plan;

    Adversary(Simulation sim, SimNode node, SplittableRandom random, FaultPlan plan) {
        this.sim = sim;
        this.node = node;
        this.random = random;
        this.plan = plan;
    }

    RealmId secondRealm() {
        return null;
    }

    Role role() {
        return Role.WRITE;
    }

    SyncStore sessionStore(SyncStore base) {
        return base;
    }

    void setup(String adminLocalRealm) {
    }

    void schedule(long duration) {
    }

    void heal() {
    }

    void received(SimNode from, byte[] frame) {
    }

    String finalChecks() {
        return null;
    }

    void report(Map<String, Long> counts) {
    }
}
