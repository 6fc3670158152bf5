package dev.lorehub.node.sync;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.node.core.EventCodec;
import dev.lorehub.node.core.EventFormatException;

/**
 * Run by {@link KryoBombTest} in a child JVM with the README's {@code -Xmx96m}: decodes both bombs
 * and prints one line per case, {@code refused <case>: <message>} for a typed refusal. Exits 0 when
 * both were refused, 1 on any other outcome (decoded, another exception), 3 on an
 * {@link OutOfMemoryError}.
 */
public final class KryoBombMain {
    private KryoBombMain() {
    }

    public static void main(String[] args) {
        int exit = 0;
        try {
            try {
                new SyncCodec().decode(KryoBombs.STRING_BOMB);
                System.out.println("decoded frame");
                exit = 1;
            } catch (MalformedFrameException e) {
                System.out.println("refused frame: " + e.getMessage());
            }
            byte[] sealed = KryoBombs.envelopeWithBombBody(RealmId.fromBytes(new byte[RealmId.LENGTH]));
            byte[] body = SealedEnvelope.open(sealed, (r, e) -> java.util.Optional.empty()).plaintext(); // signed only: no key needed
            try {
                new EventCodec().decode(body);
                System.out.println("decoded body");
                exit = 1;
            } catch (EventFormatException e) {
                System.out.println("refused body of a " + sealed.length + "-byte envelope: " + e.getMessage());
            }
        } catch (OutOfMemoryError e) {
            System.out.println("out of memory: " + e.getMessage());
            System.exit(3);
        } catch (RuntimeException e) {
            System.out.println("failed: " + e);
            System.exit(1);
        }
        System.exit(exit);
    }
}
