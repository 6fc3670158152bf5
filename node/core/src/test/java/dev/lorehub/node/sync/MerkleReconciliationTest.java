package dev.lorehub.node.sync;

import dev.lorehub.merkle.FingerprintSet;
import dev.lorehub.merkle.ReconcileConfig;
import dev.lorehub.merkle.ReconciliationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sync layer's wrapper around the merkle protocol's failures. */
class MerkleReconciliationTest {

    @Test
    void aHostileMessageFailsWithTheMerkleKindKept() {
        Reconciliation responder = MerkleReconciliation.responder(new FingerprintSet(), ReconcileConfig.defaults());
        // a protocol version no implementation speaks
        assertThatThrownBy(() -> responder.onMessage(new byte[] {(byte) 0xEE, 0, 0, 0}))
            .isInstanceOfSatisfying(ReconciliationFailedException.class, e -> {
                assertThat(e.kind()).isEqualTo(ReconciliationException.Kind.UNKNOWN_VERSION);
                assertThat(e.getCause()).isInstanceOf(ReconciliationException.class);
            });
    }
}
