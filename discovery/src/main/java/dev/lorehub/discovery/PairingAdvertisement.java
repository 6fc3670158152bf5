package dev.lorehub.discovery;

/**
 * An open pairing advertisement ({@code _lorehub-pair._tcp.local.} carrying a public nameplate).
 * Close it as soon as the pairing code is used, burned or expired.
 */
public interface PairingAdvertisement extends AutoCloseable {

    /** The nameplate being advertised. */
    String nameplate();

    /**
     * Withdraws the advertisement: sends mDNS goodbyes on every address and waits for them (well under a
     * second per address). Idempotent; also happens when the {@link Discovery} is closed.
     */
    @Override
    void close();
}
