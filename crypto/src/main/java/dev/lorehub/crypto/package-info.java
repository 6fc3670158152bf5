/**
 * The crypto module's public API: the only code in the project that touches BouncyCastle.
 *
 * <ul>
 *   <li>Identity: {@link dev.lorehub.crypto.DeviceIdentity} (secret; Ed25519 + X25519, owner-only
 *       key file), {@link dev.lorehub.crypto.DeviceKeys} and {@link dev.lorehub.crypto.DeviceRecord}
 *       (public, signed), {@link dev.lorehub.crypto.DeviceId} (SHA-256 of the Ed25519 key; text form
 *       with check characters), {@link dev.lorehub.crypto.Signatures}.</li>
 *   <li>Realms: {@link dev.lorehub.crypto.RealmId}, {@link dev.lorehub.crypto.EpochKey},
 *       {@link dev.lorehub.crypto.RealmKeyring}, {@link dev.lorehub.crypto.SecretStore} (on disk),
 *       {@link dev.lorehub.crypto.KeyWrap} (HPKE grants of epoch keys to a device).</li>
 *   <li>Events: {@link dev.lorehub.crypto.SealedEnvelope} (byte layout documented there),
 *       {@link dev.lorehub.crypto.EnvelopeHeader}, {@link dev.lorehub.crypto.OpenedEnvelope},
 *       {@link dev.lorehub.crypto.EnvelopeException}.</li>
 *   <li>Pairing and transport: {@link dev.lorehub.crypto.PairingCode},
 *       {@link dev.lorehub.crypto.PairingHandshake} (sans-IO EC J-PAKE),
 *       {@link dev.lorehub.crypto.TlsIdentity} (self-signed Ed25519 certificate, key manager,
 *       pinning trust manager for JDK TLS 1.3 / Netty).</li>
 *   <li>Determinism: {@link dev.lorehub.crypto.SeededRandom}.</li>
 * </ul>
 *
 * <p>Sans-IO (DESIGN.md §4): nothing here reads a clock, starts a thread or draws on an unseeded
 * random source. Every operation that needs randomness takes a {@link java.security.SecureRandom}
 * and uses only it (BouncyCastle's J-PAKE participant and HPKE ephemeral keys included), and time
 * is passed in; so the simulator, which seeds everything, reproduces every byte. File I/O happens
 * only in {@code DeviceIdentity.load/save} and {@code SecretStore}.
 *
 * <p>All primitives are BouncyCastle's (Ed25519, X25519, HPKE, EC J-PAKE, HKDF, Hash_DRBG,
 * X.509 building) or the JDK's (SHA-256, AES-256-GCM, the TLS engine), both hardware-accelerated
 * where it matters. Every message this module signs starts with a {@code lorehub-...} ASCII
 * label naming its purpose, so a signature made for one purpose never verifies for another; the
 * identity key's two other uses (the X.509 self-signature, a DER SEQUENCE, and TLS 1.3
 * CertificateVerify, which starts with 64 spaces) cannot collide with those messages.
 */
package dev.lorehub.crypto;
