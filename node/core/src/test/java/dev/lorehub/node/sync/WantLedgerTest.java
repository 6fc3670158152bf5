package dev.lorehub.node.sync;

import dev.lorehub.node.core.EventId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WantLedgerTest {
    static EventId id(int n) {
        return EventId.of(new byte[] {(byte) n, (byte) (n >> 8)});
    }

    final Object first = new Object();
    final Object second = new Object();

    @Test
    void aClaimDefersOtherOwnersUntilItExpiresAndItsOwnerMayRenewIt() {
        WantLedger ledger = new WantLedger(100, 10);
        assertThat(ledger.claim(id(1), first, 0)).isTrue();
        assertThat(ledger.claim(id(1), second, 99)).isFalse();
        assertThat(ledger.retryAt(id(1), 50)).isEqualTo(100);
        assertThat(ledger.claim(id(1), first, 50)).isTrue(); // renewed: now until 150
        assertThat(ledger.claim(id(1), second, 100)).isFalse();
        assertThat(ledger.claim(id(1), second, 150)).isTrue();
        assertThat(ledger.claim(id(1), first, 151)).isFalse();
    }

    @Test
    void anArrivalOrTheOwnersEndFreesItsClaims() {
        WantLedger ledger = new WantLedger(100, 10);
        ledger.claim(id(1), first, 0);
        ledger.claim(id(2), first, 0);
        ledger.claim(id(3), second, 0);
        ledger.arrived(id(1));
        assertThat(ledger.claim(id(1), second, 1)).isTrue();
        ledger.releaseAll(first);
        assertThat(ledger.claim(id(2), second, 1)).isTrue();
        assertThat(ledger.retryAt(id(4), 7)).isEqualTo(7); // nothing claimed: ask now
        assertThat(ledger.size()).isEqualTo(3);
    }

    @Test
    void whenFullExpiredClaimsGoFirstAndThenClaimsAreGrantedUnrecorded() {
        WantLedger ledger = new WantLedger(100, 3);
        for (int i = 0; i < 3; i++) {
            ledger.claim(id(i), first, i * 60);  // expire at 100, 160, 220
        }
        assertThat(ledger.claim(id(10), second, 120)).isTrue(); // the one expired at 100 made room
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.claim(id(11), second, 130)).isTrue(); // full of live claims: granted, not recorded
        assertThat(ledger.size()).isEqualTo(3);
        assertThat(ledger.claim(id(11), first, 131)).isTrue();  // so it defers nobody
        assertThat(ledger.claim(id(1), second, 130)).isFalse(); // the live ones still hold
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new WantLedger(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WantLedger(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
