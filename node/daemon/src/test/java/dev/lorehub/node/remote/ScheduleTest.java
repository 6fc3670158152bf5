package dev.lorehub.node.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The scheduling rule itself, pure: gaps, jitter, the floor and the caps, and the {@code metered} option. */
class ScheduleTest {
    static final long I = 60_000;

    @Test
    void adaptiveGapsShrinkWhileEditsFlowAndDoubleUpToTheCapWhileIdle() {
        Schedule s = Schedule.adaptive(I, false);
        assertThat(s.gap(0)).isEqualTo(15_000);
        assertThat(List.of(s.gap(1), s.gap(2), s.gap(3), s.gap(4), s.gap(5), s.gap(6), s.gap(7), s.gap(1_000)))
            .containsExactly(I, I, I, 2 * I, 4 * I, 8 * I, 8 * I, 8 * I);
        // The active gap never goes below the floor, however short the interval.
        assertThat(Schedule.adaptive(5_000, false).gap(0)).isEqualTo(Schedule.FLOOR_MILLIS);
    }

    @Test
    void meteredGapsStartAtTheIntervalAndDoubleToALargerCap() {
        Schedule s = Schedule.adaptive(I, true);
        assertThat(List.of(s.gap(0), s.gap(1), s.gap(2), s.gap(3), s.gap(4), s.gap(5), s.gap(6), s.gap(1_000)))
            .containsExactly(I, 2 * I, 4 * I, 8 * I, 16 * I, 32 * I, 32 * I, 32 * I);
        for (int idle = 0; idle < 20; idle++) {
            assertThat(s.gap(idle)).isGreaterThanOrEqualTo(Schedule.adaptive(I, false).gap(idle));
        }
    }

    @Test
    void theFixedRuleIsTheOldOneExactly() {
        Schedule s = Schedule.fixed(I);
        var random = SeededRandom.of(1);
        long now = 1_000_000;
        for (int i = 0; i < 20; i++) {
            assertThat(s.succeeded(i % 3 == 0, false, now, random)).isEqualTo(now + I);
            now += I;
        }
        assertThat(s.promptedNotBefore()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void idleRoundsCountUpAndActivityOrAPromptResetsThem() {
        Schedule s = Schedule.adaptive(I, false);
        var random = SeededRandom.of(2);
        long now = 0;
        for (int i = 1; i <= 8; i++) {
            long next = s.succeeded(false, false, now, random);
            assertThat(s.idleRounds()).isEqualTo(i);
            long g = s.gap(i);
            assertThat(next - now).isBetween(g - g / 10, g);
            now = next;
        }
        assertThat(s.succeeded(true, false, now, random) - now).isBetween(13_500L, 15_000L);
        assertThat(s.idleRounds()).isZero();
        s.succeeded(false, false, now, random);
        assertThat(s.idleRounds()).isEqualTo(1);
        s.succeeded(false, true, now, random); // a local write or a notification asked for it
        assertThat(s.idleRounds()).isZero();
    }

    @Test
    void jitterIsDeterministicPerRandomAndSpreadsDevicesApart() {
        List<Long> a = run(SeededRandom.of(7));
        assertThat(run(SeededRandom.of(7))).isEqualTo(a);
        Set<Long> firstGaps = new HashSet<>();
        for (int seed = 0; seed < 10; seed++) {
            firstGaps.add(run(SeededRandom.of(seed)).get(0));
        }
        assertThat(firstGaps).hasSizeGreaterThan(8);
        // Never below the floor, even with the most jitter.
        Schedule tiny = Schedule.adaptive(5_000, false);
        assertThat(tiny.succeeded(true, false, 0, new java.util.Random() {
            @Override
            public double nextDouble() {
                return 0.999_999;
            }
        })).isEqualTo(Schedule.FLOOR_MILLIS);
    }

    private static List<Long> run(java.util.random.RandomGenerator random) {
        Schedule s = Schedule.adaptive(I, false);
        List<Long> gaps = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 10; i++) {
            long next = s.succeeded(i == 0, false, now, random);
            gaps.add(next - now);
            now = next;
        }
        return gaps;
    }

    @Test
    void aMeteredLinkTakesPromptsOnlyOnceAnIntervalHasPassed() {
        Schedule metered = Schedule.adaptive(I, true);
        assertThat(metered.promptedNotBefore()).isEqualTo(Long.MIN_VALUE); // no round yet: at once
        metered.succeeded(true, true, 1_000_000, SeededRandom.of(3));
        assertThat(metered.promptedNotBefore()).isEqualTo(1_000_000 + I);
        metered.failed(2_000_000);
        assertThat(metered.promptedNotBefore()).isEqualTo(2_000_000 + I);
        Schedule plain = Schedule.adaptive(I, false);
        plain.succeeded(true, true, 1_000_000, SeededRandom.of(3));
        assertThat(plain.promptedNotBefore()).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void meteredIsABackendOptionCheckedLikeTheOthers() throws Exception {
        ObjectMapper json = new ObjectMapper();
        BackendConfig s3 = BackendConfig.parse(json.readTree(
            "{\"type\": \"cloud\", \"provider\": \"s3\", \"bucket\": \"team\", \"metered\": true, \"interval\": 120}"), "backends[0]");
        assertThat(s3.metered()).isTrue();
        assertThat(s3.toJson().get("metered").asBoolean()).isTrue();
        assertThat(BackendConfig.parse(s3.toJson(), "again")).isEqualTo(s3);
        Schedule fromConfig = Schedule.of(s3);
        assertThat(fromConfig.mode()).isEqualTo(Schedule.Mode.METERED);
        assertThat(fromConfig.gap(0)).isEqualTo(120_000);

        BackendConfig git = BackendConfig.parse(json.readTree("{\"type\": \"git\", \"remote\": \"origin\"}"), "backends[0]");
        assertThat(git.metered()).isFalse();
        assertThat(git.toJson().has("metered")).isFalse();
        assertThat(Schedule.of(git).mode()).isEqualTo(Schedule.Mode.ADAPTIVE);
        BackendConfig pg = BackendConfig.parse(json.readTree(
            "{\"type\": \"postgres\", \"url\": \"jdbc:postgresql://db/lore\", \"metered\": false}"), "backends[2]");
        assertThat(pg.metered()).isFalse();

        assertThatThrownBy(() -> BackendConfig.parse(json.readTree(
            "{\"type\": \"git\", \"remote\": \"origin\", \"metered\": \"yes\"}"), "backends[1]"))
            .hasMessage("backends[1].metered must be true or false");
    }
}
