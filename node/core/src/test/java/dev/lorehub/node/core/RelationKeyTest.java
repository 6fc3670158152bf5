package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A relation's key and its entity id are the same thing written two ways. */
class RelationKeyTest {

    @Test
    void theEntityIdRoundTripsEvenWithANewlineInTheType() {
        RelationKey key = new RelationKey("a", "b", "relates\nto");
        assertThat(RelationKey.of(key.entityId())).isEqualTo(key);
        assertThat(EntityChange.relationId("a", "b", "c")).isEqualTo("a\nb\nc");
    }

    @Test
    void anIdWithoutThreePartsIsRefusedInTheWordsIngestReports() {
        assertThatThrownBy(() -> RelationKey.of("only\ntwo")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("not a relation id: only\ntwo");
    }

    @Test
    void keysOrderByFromThenToThenType() {
        assertThat(new RelationKey("a", "c", "x")).isLessThan(new RelationKey("b", "a", "a"));
        assertThat(new RelationKey("a", "b", "y")).isGreaterThan(new RelationKey("a", "b", "x"));
    }
}
