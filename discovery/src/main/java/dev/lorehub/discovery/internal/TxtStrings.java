package dev.lorehub.discovery.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The DNS-SD TXT record format (RFC 6763 §6): a sequence of length-prefixed strings {@code key=value}.
 * Written and read here rather than through JmDNS's property helpers so that both directions are plain
 * UTF-8 and every malformation of received bytes is a clear rejection.
 */
final class TxtStrings {

    /** RFC 6763 §6.2: a TXT record should stay under 1300 bytes so it fits one packet with the rest. */
    static final int MAX_RECORD_BYTES = 1300;

    private TxtStrings() {
    }

    /** True for no TXT data or the empty TXT record (one empty string, RFC 6763 §6.1). */
    static boolean isEmpty(byte[] txt) {
        return txt == null || txt.length == 0 || (txt.length == 1 && txt[0] == 0);
    }

    /** Encodes {@code pairs} in order; each {@code key=value} must fit 255 bytes. */
    static byte[] encode(Map<String, String> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, String> pair : pairs.entrySet()) {
            byte[] entry = (pair.getKey() + "=" + pair.getValue()).getBytes(StandardCharsets.UTF_8);
            if (entry.length > 255) {
                throw new IllegalArgumentException("TXT entry longer than 255 bytes: " + pair.getKey());
            }
            out.write(entry.length);
            out.write(entry, 0, entry.length);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("TXT record longer than " + MAX_RECORD_BYTES + " bytes");
        }
        return bytes;
    }

    /**
     * Decodes a received TXT record into lower-cased keys and raw values. Per RFC 6763 §6.4 keys are
     * case-insensitive, only the first occurrence of a key counts, and strings with an empty key are
     * skipped; a key without {@code =} maps to an empty value.
     *
     * @throws RejectedRecord if the record is too large, truncated, or has a key that is not printable ASCII
     */
    static Map<String, byte[]> decode(byte[] txt) throws RejectedRecord {
        if (txt == null) {
            throw new RejectedRecord("no TXT record");
        }
        if (txt.length > MAX_RECORD_BYTES) {
            throw new RejectedRecord("TXT record of " + txt.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        Map<String, byte[]> pairs = new LinkedHashMap<>();
        int at = 0;
        while (at < txt.length) {
            int length = txt[at] & 0xff;
            at++;
            if (at + length > txt.length) {
                throw new RejectedRecord("TXT string overruns the record");
            }
            int equals = at;
            while (equals < at + length && txt[equals] != '=') {
                equals++;
            }
            String key = asciiKey(txt, at, equals);
            if (!key.isEmpty()) {
                byte[] value = equals < at + length ? java.util.Arrays.copyOfRange(txt, equals + 1, at + length) : new byte[0];
                pairs.putIfAbsent(key, value);
            }
            at += length;
        }
        return pairs;
    }

    private static String asciiKey(byte[] txt, int from, int to) throws RejectedRecord {
        StringBuilder key = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            int c = txt[i] & 0xff;
            if (c < 0x20 || c > 0x7e) {
                throw new RejectedRecord("TXT key is not printable ASCII");
            }
            key.append((char) c);
        }
        return key.toString().toLowerCase(Locale.ROOT);
    }
}
