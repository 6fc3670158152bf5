package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LhTimestampsTest {

    @Test
    void formatsLikeJavaScriptsToIsoStringAlwaysWithMilliseconds() {
        assertThat(LhTimestamps.format(Instant.parse("2025-07-13T02:18:14Z"))).isEqualTo("2025-07-13T02:18:14.000Z");
        assertThat(LhTimestamps.format(Instant.parse("2025-07-13T02:18:14.123456Z")))
            .isEqualTo("2025-07-13T02:18:14.123Z");
        assertThatThrownBy(() -> LhTimestamps.format(Instant.parse("+12025-01-01T00:00:00Z")))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsBothFormsLhStores() {
        assertThat(LhTimestamps.parse("2025-07-13T02:18:14.000Z")).contains(Instant.parse("2025-07-13T02:18:14Z"));
        assertThat(LhTimestamps.parse("2025-07-13T04:18:14.5+02:00")).contains(Instant.parse("2025-07-13T02:18:14.5Z"));
        assertThat(LhTimestamps.parse("2025-07-13T02:18Z")).contains(Instant.parse("2025-07-13T02:18:00Z"));
        assertThat(LhTimestamps.parse("2025-07-13 02:18:14")).contains(Instant.parse("2025-07-13T02:18:14Z"));
    }

    @Test
    void rejectsAnythingElse() {
        assertThat(LhTimestamps.parse(null)).isEmpty();
        assertThat(LhTimestamps.parse("")).isEmpty();
        assertThat(LhTimestamps.parse("yesterday")).isEmpty();
        assertThat(LhTimestamps.parse("2025-02-30T00:00:00.000Z")).isEmpty();
        assertThat(LhTimestamps.parse("2025-07-13T02:18:14.000")).isEmpty(); // no zone
        assertThat(LhTimestamps.parse("2025-07-13 02:18")).isEmpty();
        assertThat(LhTimestamps.parse("1752038466479")).isEmpty();
    }
}
