package dev.lorehub.crypto.bench;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.DeviceRecord;
import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.EpochKey;
import dev.lorehub.crypto.KeyWrap;
import dev.lorehub.crypto.OpenedEnvelope;
import dev.lorehub.crypto.PairingCode;
import dev.lorehub.crypto.PairingHandshake;
import dev.lorehub.crypto.RealmKeyring;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SeededRandom;
import dev.lorehub.crypto.TlsIdentity;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;

/**
 * Crypto benchmarks (BENCHMARKS.md): envelope seal+open throughput next to raw AES-256-GCM of the
 * same bytes in the same run, per-envelope cost at 1 KiB, key wrapping, and the pairing handshake.
 * Run with {@code .ci/bench crypto CryptoBench}. Each figure: warm-up, then {@value #REPEATS}
 * timed repeats (raw and envelope interleaved, so drift hits both), median reported with min/max.
 * Rates are per CPU second of the (single) benchmark thread, so other processes on a shared
 * machine do not distort them; garbage collection runs on other threads and is not counted.
 * Bounded: about a minute.
 *
 * <p>Salts come from the JDK's DRBG, as they would in the node; inputs from a seeded random.
 */
public final class CryptoBench {
    private static final int REPEATS = 9;
    private static final long REPEAT_NANOS = 300_000_000L;
    private static final long WARMUP_NANOS_PER_OP = 1_500_000_000L;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private static volatile int sink; // defeats dead-code elimination

    private CryptoBench() {
    }

    public static void main(String[] args) throws Exception {
        SecureRandom inputs = SeededRandom.of(1);
        SecureRandom salts = SecureRandom.getInstance("DRBG");
        DeviceIdentity author = DeviceIdentity.generate(inputs);
        RealmKeyring keyring = RealmKeyring.create(inputs);
        EpochKey key = keyring.current();
        SealedEnvelope.KeyLookup lookup = (realm, epoch) -> keyring.epoch(epoch);
        EnvelopeHeader header = new EnvelopeHeader(keyring.realmId(), key.epoch(), 42L, true);
        System.out.printf(Locale.ROOT, "# java %s, %d cpus; rates per CPU second of the benchmark thread, median of %d repeats%n",
            System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), REPEATS);
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }

        for (int size : new int[] {1024, 65536}) {
            byte[] plaintext = new byte[size];
            inputs.nextBytes(plaintext);
            RawGcm raw = new RawGcm(key.key(), plaintext);
            Op rawOp = raw::encryptDecrypt;
            Op envelopeOp = () -> {
                byte[] sealed = SealedEnvelope.seal(header, plaintext, key, author, salts);
                OpenedEnvelope o = SealedEnvelope.open(sealed, lookup);
                return o.plaintext().length;
            };
            warmUp(rawOp, envelopeOp);
            double[] rawMb = new double[REPEATS];
            double[] envMb = new double[REPEATS];
            for (int r = 0; r < REPEATS; r++) {
                rawMb[r] = opsPerSecond(rawOp) * size / 1e6;
                envMb[r] = opsPerSecond(envelopeOp) * size / 1e6;
            }
            double rawMed = median(rawMb);
            double envMed = median(envMb);
            System.out.printf(Locale.ROOT, "BENCH crypto.envelope size=%d seal_open_mb_per_s=%.1f seal_open_mb_per_s_min=%.1f seal_open_mb_per_s_max=%.1f"
                    + " raw_gcm_mb_per_s=%.1f raw_gcm_mb_per_s_min=%.1f raw_gcm_mb_per_s_max=%.1f ratio=%.3f repeats=%d%n",
                size, envMed, min(envMb), max(envMb), rawMed, min(rawMb), max(rawMb), envMed / rawMed, REPEATS);
        }

        // Per-envelope cost at 1 KiB: seal, verify (relay), open (reader), separately.
        byte[] oneK = new byte[1024];
        inputs.nextBytes(oneK);
        byte[] sealedOneK = SealedEnvelope.seal(header, oneK, key, author, salts);
        Op seal = () -> SealedEnvelope.seal(header, oneK, key, author, salts).length;
        Op verify = () -> SealedEnvelope.verify(sealedOneK).header().epoch();
        Op open = () -> SealedEnvelope.open(sealedOneK, lookup).plaintext().length;
        warmUp(seal, verify, open);
        double[] sealUs = new double[REPEATS];
        double[] verifyUs = new double[REPEATS];
        double[] openUs = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            sealUs[r] = 1e6 / opsPerSecond(seal);
            verifyUs[r] = 1e6 / opsPerSecond(verify);
            openUs[r] = 1e6 / opsPerSecond(open);
        }
        System.out.printf(Locale.ROOT, "BENCH crypto.envelope_1k seal_us=%.1f verify_us=%.1f open_us=%.1f opens_per_s_per_core=%.0f repeats=%d%n",
            median(sealUs), median(verifyUs), median(openUs), 1e6 / median(openUs), REPEATS);

        // Key wrapping (HPKE) per grant.
        DeviceIdentity member = DeviceIdentity.generate(inputs);
        byte[] wrapped = KeyWrap.wrap(key, member.publicKeys(), author, salts);
        Op wrap = () -> KeyWrap.wrap(key, member.publicKeys(), author, salts).length;
        Op unwrap = () -> KeyWrap.unwrap(wrapped, member).epoch();
        warmUp(wrap, unwrap);
        double[] wrapUs = new double[REPEATS];
        double[] unwrapUs = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            wrapUs[r] = 1e6 / opsPerSecond(wrap);
            unwrapUs[r] = 1e6 / opsPerSecond(unwrap);
        }
        System.out.printf(Locale.ROOT, "BENCH crypto.keywrap wrap_us=%.1f unwrap_us=%.1f repeats=%d%n", median(wrapUs), median(unwrapUs), REPEATS);

        // Pairing: one complete handshake (both sides, in memory), from start to both SUCCEEDED.
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        DeviceIdentity inviterId = DeviceIdentity.generate(inputs);
        DeviceIdentity joinerId = DeviceIdentity.generate(inputs);
        byte[] inviterFp = TlsIdentity.create(inviterId, now, inputs).fingerprint();
        byte[] joinerFp = TlsIdentity.create(joinerId, now, inputs).fingerprint();
        DeviceRecord inviterRecord = DeviceRecord.create(inviterId, "inviter");
        DeviceRecord joinerRecord = DeviceRecord.create(joinerId, "joiner");
        PairingCode code = PairingCode.generate(inputs);
        Op pairing = () -> {
            PairingHandshake i = PairingHandshake.start(PairingHandshake.Role.INVITER, code, inviterFp, joinerFp, inviterRecord, salts);
            PairingHandshake j = PairingHandshake.start(PairingHandshake.Role.JOINER, code, joinerFp, inviterFp, joinerRecord, salts);
            Deque<byte[]> toI = new ArrayDeque<>(j.initialMessages());
            Deque<byte[]> toJ = new ArrayDeque<>();
            while (!toI.isEmpty() || !toJ.isEmpty()) {
                if (!toI.isEmpty()) {
                    toJ.addAll(i.onMessage(toI.poll()));
                }
                if (!toJ.isEmpty()) {
                    toI.addAll(j.onMessage(toJ.poll()));
                }
            }
            if (i.state() != PairingHandshake.State.SUCCEEDED || j.state() != PairingHandshake.State.SUCCEEDED) {
                throw new IllegalStateException("pairing failed in the benchmark");
            }
            return i.verificationString().length();
        };
        warmUp(pairing);
        double[] pairingMs = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            pairingMs[r] = 1e3 / opsPerSecond(pairing);
        }
        System.out.printf(Locale.ROOT, "BENCH crypto.pairing handshake_ms=%.2f handshake_ms_min=%.2f handshake_ms_max=%.2f repeats=%d%n",
            median(pairingMs), min(pairingMs), max(pairingMs), REPEATS);
    }

    /** One operation; returns something derived from its result so it is not optimised away. */
    @FunctionalInterface
    private interface Op {
        int run() throws Exception;
    }

    private static void warmUp(Op... ops) throws Exception {
        for (Op op : ops) {
            long end = System.nanoTime() + WARMUP_NANOS_PER_OP;
            int acc = 0;
            while (System.nanoTime() < end) {
                acc += op.run();
            }
            sink += acc;
        }
    }

    /**
     * Runs {@code op} for about {@link #REPEAT_NANOS} of this thread's CPU time (at most four times
     * that in wall time) and returns its rate per CPU second. CPU time, not wall time, because the
     * machines are shared: time spent descheduled while others' builds run is not the code's cost.
     */
    private static double opsPerSecond(Op op) throws Exception {
        int acc = 0;
        long n = 0;
        long wallStart = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long cpu;
        do {
            for (int k = 0; k < 16; k++) {
                acc += op.run();
            }
            n += 16;
            cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        } while (cpu < REPEAT_NANOS && System.nanoTime() - wallStart < 4 * REPEAT_NANOS);
        sink += acc;
        return n * 1e9 / cpu;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    /** The baseline: the JDK's AES-256-GCM encrypting and decrypting the same bytes, one reused Cipher, a fresh IV each time. */
    private static final class RawGcm {
        private final SecretKeySpec key;
        private final byte[] plaintext;
        private final byte[] ciphertext;
        private final byte[] decrypted;
        private final byte[] iv = new byte[12];
        private final Cipher cipher;
        private long counter;

        RawGcm(byte[] key, byte[] plaintext) throws Exception {
            this.key = new SecretKeySpec(key, "AES");
            this.plaintext = plaintext;
            this.ciphertext = new byte[plaintext.length + 16];
            this.decrypted = new byte[plaintext.length];
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        }

        int encryptDecrypt() throws Exception {
            counter++;
            for (int b = 0; b < 8; b++) {
                iv[4 + b] = (byte) (counter >>> (8 * b));
            }
            GCMParameterSpec spec = new GCMParameterSpec(128, iv);
            cipher.init(Cipher.ENCRYPT_MODE, key, spec);
            cipher.doFinal(plaintext, 0, plaintext.length, ciphertext, 0);
            cipher.init(Cipher.DECRYPT_MODE, key, spec);
            return cipher.doFinal(ciphertext, 0, ciphertext.length, decrypted, 0);
        }
    }
}
