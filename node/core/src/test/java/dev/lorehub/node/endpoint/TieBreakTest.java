package dev.lorehub.node.endpoint;

import dev.lorehub.crypto.DeviceId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Both devices must keep the same connection without talking to each other. */
class TieBreakTest {
    private final DeviceId low = dev.lorehub.crypto.DeviceIdentity.generate(dev.lorehub.crypto.SeededRandom.of(21)).id();
    private final DeviceId high = dev.lorehub.crypto.DeviceIdentity.generate(dev.lorehub.crypto.SeededRandom.of(22)).id();

    {
        assertThat(low.compareTo(high)).isNotZero();
    }

    private DeviceId lower() {
        return low.compareTo(high) < 0 ? low : high;
    }

    private DeviceId higher() {
        return low.compareTo(high) < 0 ? high : low;
    }

    @Test
    void oppositeDirectionsKeepTheConnectionDialedByTheLowerId() {
        DeviceId l = lower();
        DeviceId h = higher();
        // At the lower device: existing accepted (dialed by h), newer dialed by self → newer wins.
        assertThat(TieBreak.newerWins(l, h, false, true)).isTrue();
        // At the lower device: existing dialed by self, newer accepted → existing stays.
        assertThat(TieBreak.newerWins(l, h, true, false)).isFalse();
        // At the higher device: existing dialed by self, newer accepted (dialed by l) → newer wins.
        assertThat(TieBreak.newerWins(h, l, true, false)).isTrue();
        // At the higher device: existing accepted (dialed by l), newer dialed by self → existing stays.
        assertThat(TieBreak.newerWins(h, l, false, true)).isFalse();
        assertThat(TieBreak.preferredDialer(l, h)).isEqualTo(l);
        assertThat(TieBreak.preferredDialer(h, l)).isEqualTo(l);
    }

    @Test
    void bothSidesAgreeWhicheverConnectionCompletedFirstOnEachSide() {
        DeviceId l = lower();
        DeviceId h = higher();
        // Connection A dialed by l, connection B dialed by h. Each side may see them in either order.
        for (boolean lowSeesAFirst : new boolean[] {true, false}) {
            for (boolean highSeesAFirst : new boolean[] {true, false}) {
                boolean keptAtLowIsA = lowSeesAFirst
                    ? !TieBreak.newerWins(l, h, true, false)   // existing A (own dial), newer B
                    : TieBreak.newerWins(l, h, false, true);   // existing B, newer A (own dial)
                boolean keptAtHighIsA = highSeesAFirst
                    ? !TieBreak.newerWins(h, l, false, true)   // existing A (accepted), newer B (own dial)
                    : TieBreak.newerWins(h, l, true, false);   // existing B (own dial), newer A (accepted)
                assertThat(keptAtLowIsA).as("low sees A first: %s, high sees A first: %s", lowSeesAFirst, highSeesAFirst)
                    .isTrue();
                assertThat(keptAtHighIsA).isTrue();
            }
        }
    }

    @Test
    void sameDirectionKeepsTheNewer() {
        assertThat(TieBreak.newerWins(lower(), higher(), true, true)).isTrue();
        assertThat(TieBreak.newerWins(lower(), higher(), false, false)).isTrue();
        assertThat(TieBreak.newerWins(higher(), lower(), true, true)).isTrue();
        assertThat(TieBreak.newerWins(higher(), lower(), false, false)).isTrue();
    }
}
