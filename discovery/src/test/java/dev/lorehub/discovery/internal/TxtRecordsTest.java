package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.DiscoveryConfig;
import dev.lorehub.discovery.LocalNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TXT layout we publish and the checks on what we receive. */
class TxtRecordsTest {

    private static final String ID = "ABCDEFGH-IJKLMNOP-QRSTUVWX-YZ234567";
    private static final Predicate<String> IDS = DiscoveryConfig.BASIC_DEVICE_ID_SYNTAX;

    @Test
    void nodeRecordIsStandardKeyValueStringsAndReadsBack() throws Exception {
        LocalNode node = new LocalNode(ID, "ABCDEFGH", "Ada's laptop", 7391, 3);
        byte[] txt = LoreHubTxt.forNode(node);

        assertThat(strings(txt)).containsExactly("txtvers=1", "id=" + ID, "pv=3", "dn=Ada's laptop");
        assertThat(LoreHubTxt.parseNode(txt, IDS, 1, 5)).isEqualTo(new NodeAdvert(ID, "Ada's laptop", 3));
    }

    @Test
    void pairingRecordCarriesOnlyTheNameplate() throws Exception {
        byte[] txt = LoreHubTxt.forPairing("42", 1);

        assertThat(strings(txt)).containsExactly("txtvers=1", "np=42", "pv=1");
        assertThat(LoreHubTxt.parsePairing(txt, 1, 1)).isEqualTo(new PairingAdvert("42", 1));
        assertThat(LoreHubTxt.parsePairing(txt(Map.of("txtvers", "1", "np", "AbC", "pv", "1")), 1, 1).nameplate()).isEqualTo("abc");
    }

    @Test
    void keysAreCaseInsensitiveAndTheFirstOccurrenceWins() throws Exception {
        byte[] txt = concat(txt(Map.of("TXTVERS", "1")), txt(Map.of("ID", ID)), txt(Map.of("id", "other")), txt(Map.of("Pv", "1")));

        assertThat(LoreHubTxt.parseNode(txt, IDS, 1, 1).deviceId()).isEqualTo(ID);
    }

    @Test
    void malformedRecordsAreRejectedWithAReason() {
        assertRejected(null, "no TXT");
        assertRejected(new byte[]{9, 'a'}, "overruns");
        assertRejected(new byte[1301], "exceeds 1300");
        assertRejected(new byte[]{3, 'k', (byte) 0xc3, '='}, "printable ASCII");
        assertRejected(pairs("pv", "1", "id", ID), "no txtvers");
        assertRejected(pairs("txtvers", "2", "pv", "1", "id", ID), "unsupported txtvers");
        assertRejected(pairs("txtvers", "1", "pv", "1"), "no id");
        assertRejected(pairs("txtvers", "1", "pv", "1", "id", ""), "no id");
        assertRejected(pairs("txtvers", "1", "pv", "1", "id", "A".repeat(129)), "more than 128");
        assertRejected(pairs("txtvers", "1", "pv", "1", "id", "short"), "invalid device id");
        assertRejected(pairs("txtvers", "1", "pv", "1", "id", ID.replace('A', ' ')), "printable ASCII");
        assertRejected(pairs("txtvers", "1", "id", ID), "no pv");
        assertRejected(pairs("txtvers", "1", "pv", "-1", "id", ID), "not a number");
        assertRejected(pairs("txtvers", "1", "pv", "1234567", "id", ID), "more than 6");
        assertRejected(pairs("txtvers", "1", "pv", "2", "id", ID), "outside 1..1");
    }

    @Test
    void aValidatorThatThrowsCountsAsInvalid() {
        Predicate<String> throwing = text -> {
            throw new IllegalArgumentException("bad check character");
        };
        assertThatThrownBy(() -> LoreHubTxt.parseNode(pairs("txtvers", "1", "pv", "1", "id", ID), throwing, 1, 1))
                .isInstanceOf(RejectedRecord.class).hasMessageContaining("invalid device id");
    }

    @Test
    void aBrokenDisplayNameIsDroppedNotFatal() throws Exception {
        byte[] txt = concat(pairs("txtvers", "1", "pv", "1", "id", ID), new byte[]{4, 'd', 'n', '=', (byte) 0xff});

        assertThat(LoreHubTxt.parseNode(txt, IDS, 1, 1).displayName()).isEmpty();
        assertThat(LoreHubTxt.parseNode(concat(pairs("txtvers", "1", "pv", "1", "id", ID), pairs("dn", "a\u0007b")), IDS, 1, 1)
                .displayName()).isEqualTo("a b");
    }

    @Test
    void theEmptyTxtRecordIsRecognised() {
        assertThat(TxtStrings.isEmpty(new byte[]{0})).isTrue();
        assertThat(TxtStrings.isEmpty(null)).isTrue();
        assertThat(TxtStrings.isEmpty(LoreHubTxt.forPairing("1", 1))).isFalse();
    }

    @Test
    void longDisplayNamesAreCutOnACharacterBoundary() throws Exception {
        LocalNode node = new LocalNode(ID, "ABCDEFGH", "\u00e9".repeat(80), 7391, 1);

        String dn = LoreHubTxt.parseNode(LoreHubTxt.forNode(node), IDS, 1, 1).displayName();
        assertThat(dn).isEqualTo("\u00e9".repeat(50));
    }

    private static void assertRejected(byte[] txt, String reason) {
        assertThatThrownBy(() -> LoreHubTxt.parseNode(txt, IDS, 1, 1)).isInstanceOf(RejectedRecord.class).hasMessageContaining(reason);
    }

    private static byte[] pairs(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return txt(map);
    }

    private static byte[] txt(Map<String, String> pairs) {
        return TxtStrings.encode(new LinkedHashMap<>(pairs));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    private static java.util.List<String> strings(byte[] txt) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int at = 0; at < txt.length; ) {
            int length = txt[at] & 0xff;
            out.add(new String(txt, at + 1, length, StandardCharsets.UTF_8));
            at += 1 + length;
        }
        return out;
    }
}
