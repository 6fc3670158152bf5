package dev.lorehub.node.cli;

import dev.lorehub.crypto.RealmId;
import dev.lorehub.node.core.Role;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.runtime.NodeView;
import dev.lorehub.node.store.LhWriter;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remotes through the CLI, without a network: two data directories that never connect share a
 * realm through a bare git repository, with `remote add|list|remove` and `sync now`.
 */
class CliRemoteTest {
    @TempDir
    Path dir;

    static CliRunner.Result ok(CliRunner.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void twoDevicesSyncThroughAGitRemoteWithTheCli() throws Exception {
        CliRunner a = new CliRunner(dir.resolve("a"));
        CliRunner b = new CliRunner(dir.resolve("b"));
        ok(a.run("init", "--name", "ann-laptop"));
        ok(b.run("init", "--name", "ann-desktop"));
        Path project = dir.resolve("work/api");
        Files.createDirectories(project);
        String localRealm;
        try (LhWriter lh = new LhWriter(dir.resolve("a/lorehub.db"))) {
            localRealm = lh.addRealm("api", project.toString());
            lh.addLore(localRealm, "The deploy window is Tuesday 10:00 to 12:00 UTC");
        }
        ok(a.run("realm share", project.toString()));
        // The invitation itself travels device to device (pairing); here the replicas are told directly.
        long now = System.currentTimeMillis();
        RealmId realm;
        try (NodeView va = NodeView.open(new NodeHome(dir.resolve("a"))); NodeView vb = NodeView.open(new NodeHome(dir.resolve("b")))) {
            realm = va.replica().realms().keySet().iterator().next();
            va.replica().addMember(realm, vb.replica().publicKeys(), Role.WRITE, now);
            vb.replica().acceptRealm(realm, va.replica().deviceId(), now);
            vb.replica().mapRealm(realm, dir.resolve("work-b/api").toString(), now);
        }

        Path bare = dir.resolve("team.git");
        Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
        for (CliRunner cli : new CliRunner[] {a, b}) {
            CliRunner.Result added = ok(cli.run("remote add", "team", "--type", "git", "--remote", bare.toUri().toString()));
            assertThat(added.out()).contains("Added remote team");
        }
        assertThat(a.run("remote add", "team", "--type", "git", "--remote", "file:///elsewhere").exit()).isEqualTo(7);

        CliRunner.Result pushed = ok(a.run("sync now"));
        assertThat(pushed.out()).contains("team: pushed").contains("segment(s)");
        CliRunner.Result pulled = ok(b.run("sync now", "team"));
        assertThat(pulled.out()).contains("new");
        try (LhWriter lh = new LhWriter(dir.resolve("b/lorehub.db"))) {
            assertThat(lh.queryString("SELECT content FROM lores")).isEqualTo("The deploy window is Tuesday 10:00 to 12:00 UTC");
        }

        assertThat(ok(a.run("status")).out()).contains("Remotes:").contains("team").contains("0 event(s) not on it yet");
        CliRunner.Result list = ok(b.run("remote list"));
        assertThat(list.out()).contains("team").contains("git").contains("last pull 20");
        assertThat(ok(b.run("remote list", "--json")).out()).contains("\"queuedSegments\":0");

        ok(b.run("remote remove", "team"));
        assertThat(ok(b.run("remote list")).out()).contains("No remotes");
        assertThat(b.run("sync now").exit()).isEqualTo(2);
    }

    @Test
    void aMeteredRemoteIsAddedAndListedAsSuch() throws Exception {
        CliRunner a = new CliRunner(dir.resolve("a"));
        ok(a.run("init"));
        ok(a.run("remote add", "phone", "--type", "s3", "--bucket", "team-lorehub", "--metered", "--interval", "120"));
        ok(a.run("remote add", "office", "--type", "s3", "--bucket", "team-lorehub"));
        String config = Files.readString(dir.resolve("a/node/node.json"));
        assertThat(config).contains("\"metered\" : true").contains("\"interval\" : 120");
        CliRunner.Result list = ok(a.run("remote list"));
        assertThat(list.out()).containsOnlyOnce("(metered)");
        assertThat(list.out().lines().filter(l -> l.startsWith("phone"))).singleElement().asString().endsWith("(metered)");
    }

    @Test
    void badBackendsAreNamedPrecisely() throws Exception {
        CliRunner a = new CliRunner(dir.resolve("a"));
        ok(a.run("init"));
        Path config = dir.resolve("a/node/node.json");
        Files.writeString(config, "{\"backends\": [{\"type\": \"cloud\", \"provider\": \"s3\", \"bucket\": \"x\", \"regoin\": \"eu\"}]}");
        CliRunner.Result r = a.run("remote list");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("backends[0]").contains("unknown key \"regoin\"").contains("region");

        Files.writeString(config, "{\"backends\": [{\"type\": \"postgres\", \"url\": 5}]}");
        r = a.run("remote list");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.err()).contains("backends[0].url must be a string");

        Files.writeString(config, "{\"backends\": [{\"type\": \"git\"}]}");
        assertThat(a.run("remote list").err()).contains("backends[0]: key \"remote\" is required");

        Files.writeString(config, "{\"backends\": [{\"type\": \"ftp\"}]}");
        assertThat(a.run("remote list").err()).contains("backends[0].type must be \"git\", \"cloud\" or \"postgres\"");

        Files.writeString(config, "{\"backends\": [{\"type\": \"git\", \"remote\": \"origin\"}, "
            + "{\"type\": \"git\", \"remote\": \"origin\"}]}");
        assertThat(a.run("remote list").err()).contains("backends[1]").contains("already named");

        Files.writeString(config, "{\"backends\": [{\"type\": \"git\", \"remote\": \"origin\", \"branch\": \"lorehub-sync\"}, "
            + "{\"type\": \"cloud\", \"provider\": \"s3\", \"bucket\": \"team-lorehub\", \"region\": \"us-east-1\", "
            + "\"endpoint\": \"http://127.0.0.1:9\", \"pathStyle\": true}, "
            + "{\"type\": \"postgres\", \"url\": \"jdbc:postgresql://127.0.0.1:9/lorehub\", \"user\": \"ann\", "
            + "\"passwordEnv\": \"NO_SUCH_VARIABLE_FOR_TESTS\"}]}");
        CliRunner.Result listed = ok(a.run("remote list"));
        assertThat(listed.out()).contains("git-origin").contains("s3-team-lorehub").contains("postgres");
        // The git remote is a name without a repository, the password variable is unset: clear errors, no stack trace.
        CliRunner.Result sync = a.run("sync now", "git-origin");
        assertThat(sync.exit()).isEqualTo(5);
        assertThat(sync.err()).contains("is not a URL").doesNotContain("Exception");
        sync = a.run("sync now", "postgres");
        assertThat(sync.err()).contains("NO_SUCH_VARIABLE_FOR_TESTS").doesNotContain("Exception");
    }
}
