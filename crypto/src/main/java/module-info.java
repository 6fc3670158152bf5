/**
 * Identity keys, signatures, sealing, pairing (EC J-PAKE) and TLS material for LoreHub Sync, on
 * BouncyCastle and the JDK. Only {@code dev.lorehub.crypto} is API; {@code dev.lorehub.crypto.internal}
 * holds the wire details of the primitives and is not exported, so no other module can depend on it.
 */
module dev.lorehub.crypto {
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports dev.lorehub.crypto;
}
