package dev.lorehub.node.store;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A write that held the lock long enough to trouble lh is reported in the user's words. */
class SlowWriteWarningTest {
    @Test
    void sayWhatItMeansForLhAndWhatToDo() {
        String warning = LoreHubDatabase.slowWriteWarning(Path.of("/home/ann/.lorehub/lorehub.db"), 3_800);
        assertThat(warning).contains("locked for 3.8 s").contains("`lh` command").contains("gives up after 5 s")
            .doesNotContain("transaction").doesNotContain("batch").doesNotContain("ms");
        assertThat(LoreHubDatabase.slowWriteWarning(Path.of("lorehub.db"), 7_900)).contains("7.9 s").contains("failed")
            .contains("Run it again");
    }
}
