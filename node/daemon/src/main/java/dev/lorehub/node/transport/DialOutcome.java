package dev.lorehub.node.transport;

/** Told once how a dial ended: the open connection, or why it never opened. */
interface DialOutcome {
    /** Exactly one of the arguments is non-null. */
    void ended(NettyPeerConnection opened, String failure);
}
