package dev.lorehub.node.runtime;

import dev.lorehub.node.core.EnvelopeVerifier;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a batch's signatures on several cores: Ed25519 verification is most of the cost of
 * ingest and needs no database, so the node thread hands it out and waits. Small batches are
 * checked inline (handing off costs more than it saves).
 */
public final class ParallelEnvelopeVerifier implements EnvelopeVerifier, AutoCloseable {
    private static final int INLINE_BELOW = 16;

    private final ExecutorService pool;
    private final int threads;

    /** A verifier with one thread per available core. */
    public static ParallelEnvelopeVerifier perCore() {
        return new ParallelEnvelopeVerifier(Runtime.getRuntime().availableProcessors());
    }

    public ParallelEnvelopeVerifier(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lorehub-verify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<Checked> verifyAll(List<byte[]> sealed) {
        if (sealed.size() < INLINE_BELOW || threads == 1) {
            return SEQUENTIAL.verifyAll(sealed);
        }
        int chunk = (sealed.size() + threads - 1) / threads;
        List<Future<List<Checked>>> parts = new ArrayList<>();
        for (int from = 0; from < sealed.size(); from += chunk) {
            List<byte[]> slice = sealed.subList(from, Math.min(sealed.size(), from + chunk));
            parts.add(pool.submit(() -> SEQUENTIAL.verifyAll(slice)));
        }
        List<Checked> out = new ArrayList<>(sealed.size());
        try {
            for (Future<List<Checked>> part : parts) {
                out.addAll(part.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying signatures", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("signature verification failed unexpectedly", e.getCause());
        }
        return out;
    }

    /** Envelopes per task handed to the pool: small enough that storing starts early, large enough to amortise. */
    private static final int CHUNK = 32;

    @Override
    public List<java.util.function.Supplier<Checked>> verifyLater(List<byte[]> sealed) {
        if (sealed.size() < INLINE_BELOW || threads == 1) {
            return EnvelopeVerifier.super.verifyLater(sealed);
        }
        List<java.util.function.Supplier<Checked>> out = new ArrayList<>(sealed.size());
        for (int from = 0; from < sealed.size(); from += CHUNK) {
            List<byte[]> slice = sealed.subList(from, Math.min(sealed.size(), from + CHUNK));
            Future<List<Checked>> part = pool.submit(() -> SEQUENTIAL.verifyAll(slice));
            for (int i = 0; i < slice.size(); i++) {
                int index = i;
                out.add(() -> {
                    try {
                        return part.get().get(index);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while verifying signatures", e);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException("signature verification failed unexpectedly", e.getCause());
                    }
                });
            }
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
