package dev.lorehub.node.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GitRemotesTest {
    @Test
    void oneProjectClonedFourWaysNormalisesToOneRemote() {
        assertThat(GitRemotes.normalize("git@github.com:Ann/api.git")).isEqualTo("github.com/ann/api");
        assertThat(GitRemotes.normalize("https://ann@github.com/Ann/api")).isEqualTo("github.com/ann/api");
        assertThat(GitRemotes.normalize("ssh://git@github.com:22/Ann/api.git")).isEqualTo("github.com/ann/api");
        assertThat(GitRemotes.normalize("https://github.com/Ann/api.git/")).isEqualTo("github.com/ann/api");
    }

    @Test
    void differentProjectsStayDifferentAndBlankIsNull() {
        assertThat(GitRemotes.normalize("git@github.com:ann/api.git")).isNotEqualTo(GitRemotes.normalize("git@github.com:ann/web.git"));
        assertThat(GitRemotes.normalize("  ")).isNull();
        assertThat(GitRemotes.normalize(null)).isNull();
    }
}
