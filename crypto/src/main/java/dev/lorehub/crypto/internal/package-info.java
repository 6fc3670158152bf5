/**
 * Implementation details of the crypto module. Nothing here is API: other modules use only
 * {@code dev.lorehub.crypto}. Every primitive comes from BouncyCastle or the JDK's JCA; the code
 * here only wires them together, encodes bytes and checks bounds.
 */
package dev.lorehub.crypto.internal;
