/**
 * Range fingerprints and set reconciliation over sorted keys (no I/O, no dependencies). Only
 * {@code dev.lorehub.merkle} is API; {@code dev.lorehub.merkle.internal} is not exported.
 */
module dev.lorehub.merkle {
    exports dev.lorehub.merkle;
}
