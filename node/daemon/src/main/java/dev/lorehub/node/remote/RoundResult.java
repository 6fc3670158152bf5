package dev.lorehub.node.remote;

import java.util.List;

/**
 * What one push-and-pull round with a remote did.
 *
 * @param remote      the remote's name
 * @param pushedEvents events appended to the remote
 * @param pushedUnits segments appended
 * @param pulledEvents events read from intact units
 * @param stored      events the node newly stored from them
 * @param duplicates  pulled events already held
 * @param parked      pulled events kept for later (their membership is not known here yet)
 * @param refusedEvents pulled events the node refused (bad signature, unauthorised, malformed ...), with reasons
 * @param tampering   units of the remote refused for integrity (typed); nothing from them was ingested
 * @param cost        requests and bytes the round spent
 */
public record RoundResult(String remote, int pushedEvents, int pushedUnits, int pulledEvents, int stored, int duplicates,
                          int parked, List<String> refusedEvents, List<RemoteIntegrityException> tampering,
                          RemoteMetrics.Snapshot cost) {
    public RoundResult {
        refusedEvents = List.copyOf(refusedEvents);
        tampering = List.copyOf(tampering);
    }

    /** True when nothing moved either way. */
    public boolean idle() {
        return pushedEvents == 0 && pulledEvents == 0;
    }

    @Override
    public String toString() {
        return remote + ": pushed " + pushedEvents + " event(s) in " + pushedUnits + " segment(s), pulled " + pulledEvents
            + " (" + stored + " new, " + duplicates + " already here" + (parked > 0 ? ", " + parked + " waiting for membership" : "")
            + ")" + (refusedEvents.isEmpty() ? "" : ", " + refusedEvents.size() + " refused")
            + (tampering.isEmpty() ? "" : ", " + tampering.size() + " unit(s) refused as tampered") + "; " + cost.requests()
            + " request(s), " + cost.bytesUp() + " bytes up, " + cost.bytesDown() + " bytes down";
    }
}
