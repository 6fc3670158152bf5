package dev.lorehub.discovery.internal;

import dev.lorehub.discovery.LocalNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * LoreHub's TXT keys (documented in the package description of {@code dev.lorehub.discovery}) and the
 * validation of what others send. Anything unexpected is a {@link RejectedRecord}: the caller logs it at
 * debug level and carries on.
 */
final class LoreHubTxt {

    static final String TXT_VERSION_KEY = "txtvers";
    static final String TXT_VERSION = "1";
    static final String DEVICE_ID_KEY = "id";
    static final String PROTOCOL_VERSION_KEY = "pv";
    static final String DISPLAY_NAME_KEY = "dn";
    static final String NAMEPLATE_KEY = "np";

    /** Longest device id text we consider (the canonical form is far shorter). */
    static final int MAX_DEVICE_ID_LENGTH = 128;
    /** Longest display name we publish or report, in UTF-8 bytes. */
    static final int MAX_DISPLAY_NAME_BYTES = 100;

    private LoreHubTxt() {
    }

    /** The TXT record announcing {@code node}. */
    static byte[] forNode(LocalNode node) {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put(TXT_VERSION_KEY, TXT_VERSION);
        pairs.put(DEVICE_ID_KEY, node.deviceId());
        pairs.put(PROTOCOL_VERSION_KEY, Integer.toString(node.protocolVersion()));
        pairs.put(DISPLAY_NAME_KEY, Utf8.truncate(Utf8.printable(node.displayName()), MAX_DISPLAY_NAME_BYTES));
        return TxtStrings.encode(pairs);
    }

    /** The TXT record of a pairing advertisement for a normalised {@code nameplate}. */
    static byte[] forPairing(String nameplate, int protocolVersion) {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put(TXT_VERSION_KEY, TXT_VERSION);
        pairs.put(NAMEPLATE_KEY, nameplate);
        pairs.put(PROTOCOL_VERSION_KEY, Integer.toString(protocolVersion));
        return TxtStrings.encode(pairs);
    }

    /**
     * Validates a node record: {@code txtvers=1}, a device id accepted by {@code deviceIds}, a protocol
     * version within {@code [minVersion, maxVersion]}. A missing or undecodable display name is replaced by
     * {@code ""} (it is cosmetic); everything else missing or wrong rejects the record.
     */
    static NodeAdvert parseNode(byte[] txt, Predicate<String> deviceIds, int minVersion, int maxVersion) throws RejectedRecord {
        Map<String, byte[]> pairs = TxtStrings.decode(txt);
        requireTxtVersion(pairs);
        String deviceId = requireAscii(pairs, DEVICE_ID_KEY, MAX_DEVICE_ID_LENGTH);
        boolean valid;
        try {
            valid = deviceIds.test(deviceId);
        } catch (RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new RejectedRecord("invalid device id '" + deviceId + "'");
        }
        int version = requireVersion(pairs, minVersion, maxVersion);
        String displayName = "";
        byte[] name = pairs.get(DISPLAY_NAME_KEY);
        if (name != null && name.length <= MAX_DISPLAY_NAME_BYTES) {
            displayName = Utf8.decodeStrict(name).map(Utf8::printable).orElse("");
        }
        return new NodeAdvert(deviceId, displayName, version);
    }

    /** Validates a pairing record: {@code txtvers=1}, a well-formed nameplate, an accepted protocol version. */
    static PairingAdvert parsePairing(byte[] txt, int minVersion, int maxVersion) throws RejectedRecord {
        Map<String, byte[]> pairs = TxtStrings.decode(txt);
        requireTxtVersion(pairs);
        String nameplate = requireAscii(pairs, NAMEPLATE_KEY, 32);
        if (!Nameplates.isValid(nameplate)) {
            throw new RejectedRecord("invalid nameplate '" + nameplate + "'");
        }
        int version = requireVersion(pairs, minVersion, maxVersion);
        return new PairingAdvert(Nameplates.normalize(nameplate), version);
    }

    private static void requireTxtVersion(Map<String, byte[]> pairs) throws RejectedRecord {
        byte[] version = pairs.get(TXT_VERSION_KEY);
        if (version == null) {
            throw new RejectedRecord("no " + TXT_VERSION_KEY);
        }
        if (!TXT_VERSION.equals(new String(version, StandardCharsets.ISO_8859_1))) {
            throw new RejectedRecord("unsupported " + TXT_VERSION_KEY + " (want " + TXT_VERSION + ")");
        }
    }

    private static int requireVersion(Map<String, byte[]> pairs, int minVersion, int maxVersion) throws RejectedRecord {
        String text = requireAscii(pairs, PROTOCOL_VERSION_KEY, 6);
        if (!text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new RejectedRecord("protocol version is not a number: '" + text + "'");
        }
        int version = Integer.parseInt(text);
        if (version < minVersion || version > maxVersion) {
            throw new RejectedRecord("protocol version " + version + " outside " + minVersion + ".." + maxVersion);
        }
        return version;
    }

    private static String requireAscii(Map<String, byte[]> pairs, String key, int maxLength) throws RejectedRecord {
        byte[] value = pairs.get(key);
        if (value == null || value.length == 0) {
            throw new RejectedRecord("no " + key);
        }
        if (value.length > maxLength) {
            throw new RejectedRecord(key + " is " + value.length + " bytes, more than " + maxLength);
        }
        for (byte b : value) {
            if (b < 0x21 || b > 0x7e) {
                throw new RejectedRecord(key + " is not printable ASCII");
            }
        }
        return new String(value, StandardCharsets.US_ASCII);
    }

    /** UTF-8 helpers for display names. */
    static final class Utf8 {
        private Utf8() {
        }

        static java.util.Optional<String> decodeStrict(byte[] bytes) {
            try {
                return java.util.Optional.of(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                return java.util.Optional.empty();
            }
        }

        /** {@code text} with control characters replaced by spaces and surrounding blanks removed. */
        static String printable(String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
            return out.toString().strip();
        }

        /** The longest prefix of {@code text}, cut between code points, whose UTF-8 form fits {@code maxBytes}. */
        static String truncate(String text, int maxBytes) {
            int bytes = 0;
            int end = 0;
            while (end < text.length()) {
                int cp = text.codePointAt(end);
                int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
                if (bytes + size > maxBytes) {
                    break;
                }
                bytes += size;
                end += Character.charCount(cp);
            }
            return text.substring(0, end);
        }
    }
}
