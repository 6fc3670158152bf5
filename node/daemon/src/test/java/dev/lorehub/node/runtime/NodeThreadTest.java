package dev.lorehub.node.runtime;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node thread's contract: one thread, re-entrant {@code call}, failures logged not fatal, refusal after shutdown. */
class NodeThreadTest {
    private final NodeThread thread = new NodeThread();

    @AfterEach
    void stop() {
        thread.shutdown();
    }

    @Test
    void callFromTheNodeThreadRunsInlineInsteadOfDeadlocking() {
        String name = thread.call(() -> thread.call(() -> Thread.currentThread().getName()));
        assertThat(name).isEqualTo("lorehub-node");
    }

    @Test
    void aFailingTaskDoesNotKillTheThread() throws InterruptedException {
        thread.later(() -> {
            throw new IllegalStateException("boom (expected by the test)");
        });
        CountDownLatch ran = new CountDownLatch(1);
        thread.schedule(ran::countDown, 1);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.call(() -> 42)).isEqualTo(42);
    }

    @Test
    void aCheckedFailureComesBackAsANodeExceptionAndARuntimeOneUnwrapped() {
        assertThatThrownBy(() -> thread.call(() -> {
            throw new java.io.IOException("disk gone");
        })).isInstanceOf(NodeException.class).hasMessage("disk gone");
        assertThatThrownBy(() -> thread.call(() -> {
            throw new IllegalArgumentException("bad");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
    }

    @Test
    void afterShutdownCallIsRefusedAndLaterIsDropped() {
        thread.shutdown();
        assertThatThrownBy(() -> thread.call(() -> 1)).isInstanceOf(NodeException.class)
            .hasMessageContaining("stopped");
        assertThatCode(() -> thread.later(() -> {
            throw new AssertionError("must not run");
        })).doesNotThrowAnyException();
    }
}
