/**
 * Range fingerprints over sorted event keys and a sans-IO set-reconciliation protocol that finds
 * exactly which event ids each of two devices lacks, per realm.
 *
 * <h2>API</h2>
 * <ul>
 *   <li>{@link dev.lorehub.merkle.EventKey}: {@code (HLC timestamp, 32-byte id)}, ordered by
 *       timestamp (signed) then id (unsigned).</li>
 *   <li>{@link dev.lorehub.merkle.FingerprintSet}: the sorted key set with {@code O(log n)} inserts,
 *       removes and range fingerprints, bulk build, {@code O(1)} immutable snapshots. Its javadoc
 *       defines the fingerprint and states its collision bounds.</li>
 *   <li>{@link dev.lorehub.merkle.Initiator} and {@link dev.lorehub.merkle.Responder}: the two
 *       state machines; {@link dev.lorehub.merkle.ReconcileConfig} their limits and tuning;
 *       {@link dev.lorehub.merkle.ReconcileResult} what each side learns;
 *       {@link dev.lorehub.merkle.ReconciliationException} the only error an input can cause.</li>
 * </ul>
 *
 * <h2>Protocol</h2>
 * Range-based set reconciliation (after negentropy). The initiator sends its root fingerprint;
 * equal sets end there, one round trip. Otherwise each side answers the other's ranges: a range
 * whose fingerprints differ is split into sub-ranges with fingerprints, or, when small, listed; a
 * list is answered with a bitmap of the entries the answerer lacks plus the keys it holds that the
 * lister lacks. Lists sent where bytes matter carry only id prefixes; the keys actually missing
 * then follow in full, and a prefix list whose answer does not reproduce the peer's fingerprint (two
 * ids shared a prefix) is resent with full keys. Both sides end with the same two sets of keys, and
 * each verifies its result against the peer's 16-byte root fingerprint before reporting it: a
 * collision of a short sub-range fingerprint or a lying peer is caught there
 * ({@code VERIFICATION_FAILED}) instead of producing a wrong result.
 *
 * <h2>Wire format, version 1</h2>
 * Integers are big-endian unless marked varint. A varint is unsigned LEB128 (seven bits per byte,
 * least significant group first, high bit set when more follow), at most 10 bytes, canonical (no
 * trailing zero group). A message is:
 * <pre>
 * u8      version              0x01
 * u8      flags                bit 0 CONTINUE, bit 1 HELLO, bit 2 ROOT; bits 3-7 zero
 * [HELLO from the initiator]   8-byte salt, varint max message size (4096 .. 64 MiB)
 * [HELLO from the responder]   varint max message size (4096 .. 64 MiB)
 * [ROOT]                       16-byte root fingerprint (salted, see below)
 * varint  watermark            how many of the receiver's ranges the sender has processed
 * varint  item count
 * items
 * </pre>
 * HELLO is present in each side's first message and nowhere else. ROOT is always in the
 * initiator's first message, and in the responder's first message exactly when the responder's
 * root differs (no ROOT there means "equal"). CONTINUE means the sender still has ranges of the
 * receiver to answer and will send again, so the receiver must reply even if it has nothing to say.
 *
 * <p><b>Ranges.</b> Each side numbers the ranges it opens 0, 1, 2, ... in the order they appear
 * in its messages. The initiator's first message opens range 0: the whole key space with the root
 * fingerprint. The watermark never decreases; ranges below it that no item refers to were
 * processed without an answer, which for a fingerprint range means "equal". A side processes the
 * other's ranges in order, answering as many as fit in one message.
 *
 * <p><b>Items.</b> Each answers one range of the receiver:
 * <pre>
 * varint  reference delta      range = previous item's range + 1 + delta (first item: previous watermark + delta),
 *                              below this message's watermark
 * u8      kind                 1 SPLIT, 2 RESULT, 3 FULL_KEYS
 * SPLIT      varint H = B &lt;&lt; 5 | (F - 4) &lt;&lt; 1 | K, with B children (1..1024) and fingerprint
 *            length F (4..16); if K = 1, ceil(B/4) bytes of child kinds, 2 bits each, least
 *            significant first (0 FP, 1 LIST_FULL, 2 LIST_PREFIX, padding 0), else every child is FP;
 *            B-1 bounds; B children in order:
 *              FP           F bytes: the sender's fingerprint of the child range
 *              LIST_FULL    varint n, n keys: all the sender's keys in the child range
 *              LIST_PREFIX  u8 p (1..32), varint n, n x p bytes: the first p id bytes of each of the
 *                           sender's keys in the child range, in key order
 *            Replaces the range by B children, each a new range of the sender.
 * RESULT     ceil(n/8) bytes: bit i (least significant first) set = the sender lacks entry i of the
 *            n listed entries; varint m, m keys: the sender's keys in the range that the lister lacks.
 *            Answers a list, or a fingerprint range whose fingerprint is that of an empty range (n = 0).
 *            A RESULT to a prefix list opens a range of the sender, answered by FULL_KEYS (or nothing
 *            when no bit is set, or a SPLIT to relist in full).
 * FULL_KEYS  k keys: the full keys of the k entries a RESULT marked, ascending.
 * </pre>
 * Answers by range kind: a fingerprint range gets nothing (equal), a SPLIT, or a RESULT when it
 * was empty; a list gets a RESULT or a SPLIT (too many keys to answer at once); a RESULT to a
 * prefix list gets FULL_KEYS, nothing, or a SPLIT.
 *
 * <p><b>Bound</b> (a range boundary {@code (ts, id prefix zero-padded)}; the first of a split is
 * relative to the range's lower bound, each next one to the previous):
 * <pre>
 * u8      E                    bit 0 has-prefix, bits 1-6 e, bit 7 zero
 * varint  m                    ts = previous ts + (m &lt;&lt; e), no overflow
 * [has-prefix] u8 len (1..32), len id bytes
 * </pre>
 * Bounds of a split strictly ascend and lie strictly inside the range. The whole key space is
 * {@code [(Long.MIN_VALUE, empty), +infinity)}.
 *
 * <p><b>Key</b> (inside a range {@code [lo, hi)}; the first relative to {@code lo.ts}, each next
 * to the previous key): {@code varint ts delta, 32 id bytes}; keys strictly ascend and lie in the range.
 *
 * <p><b>Fingerprints on the wire</b> are those defined in {@link dev.lorehub.merkle.FingerprintSet}
 * with the session's salt (from the initiator's HELLO): 16 bytes for roots, the split's F bytes for
 * children. A fingerprint of at least 8 bytes equal to that of the empty range means the sender
 * holds nothing there, and may be answered with a RESULT.
 *
 * <p><b>End.</b> A side replies to every message that opened ranges or said CONTINUE, and sends
 * whenever it has answers. A side whose message opens nothing and says no CONTINUE, in reply to a
 * message without CONTINUE, is finished; so is a side that receives such a message and has nothing
 * left to send. Both then hold the complete result.
 *
 * <p><b>Limits.</b> A message larger than the receiver's maximum is rejected before it is parsed;
 * every count is checked against the bytes left before anything is allocated for it; a split has at
 * most 1024 children; the number of open ranges (those either side opened and the other has not
 * processed) is capped at {@code max(65536, maximum message size)} of the receiver; the initiator sends at most
 * {@code maxRounds} messages and the responder accepts at most that many. Any violation throws
 * {@link dev.lorehub.merkle.ReconciliationException} with a {@code Kind} and a message naming the
 * limit and the value.
 *
 * <p>An honest side keeps the open ranges within the cap of the smaller announced maximum message
 * size, which neither side refuses: it splits only while at most {@code S = max(H/2, H - 2 *
 * maxRounds - 2)} ranges stay open ({@code H} that cap), narrower near it; past it a differing range
 * is listed when its keys fit one answer, and at most one answer per message may add a range (a
 * list of our first keys plus our fingerprint of the rest). Each message then raises the count
 * above both sides' {@code S} by at most one and a session has at most {@code 2 * maxRounds}
 * messages, so with {@code maxRounds} up to 16,383 on either side the count never reaches
 * {@code H}; beyond that, an answer that would pass {@code H} waits for a later message. Large
 * differences therefore cost more bytes near the cap (ranges are listed rather than split), never
 * a failed session.
 */
package dev.lorehub.merkle;
