package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lorehub.node.runtime.NodeHome;
import dev.lorehub.node.store.ChangeCapture;
import dev.lorehub.node.store.LoreHubDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 10, the small things a new user trips over, each through the real CLI on a real
 * data directory: configuration mistakes in the user's words from every command, the audit log's
 * timestamps and limits, an edit that changes nothing, how a delete-versus-edit version reads.
 */
class CliPolishTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");
    /** Words of the JSON library's own messages, which must never reach a user. */
    private static final String[] INTERNALS = {"java.", "Jackson", "JsonToken", "Cannot deserialize", "coerce", "Creator",
        "`", "Exception", "\tat "};

    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void initialised() throws IOException {
        cli = new CliRunner(dir.resolve("data"));
        CliRunner.Result r = cli.run("init", "--name", "test-device");
        assertThat(r.exit()).as(r.toString()).isZero();
        writeConfig("{ \"enabled\": false }");
    }

    private void writeConfig(String json) throws IOException {
        Files.writeString(dir.resolve("data/node/node.json"), json);
    }

    private String addLore(String content) {
        CliRunner.Result r = cli.run("lore add", "--path", dir.resolve("project").toString(), content);
        assertThat(r.exit()).as(r.toString()).isZero();
        Matcher m = LORE_ID.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        return m.group(1);
    }

    private static void oneLineInUserWords(CliRunner.Result r) {
        assertThat(r.err().strip()).as(r.toString()).doesNotContain("\n").startsWith("lorehub-node: ");
        assertThat(r.err()).as(r.toString()).doesNotContain(INTERNALS);
    }

    @Test
    void anEmptyDisplayNameExitsFourWithOneLine() throws IOException {
        writeConfig("{ \"enabled\": false, \"displayName\": \"\" }");

        CliRunner.Result r = cli.run("unpair", "AAAAAAA");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        oneLineInUserWords(r);
        assertThat(r.err()).contains("node.json").contains("\"displayName\" is empty");
    }

    @Test
    void anEmptyNameForInitIsBadUsage() {
        CliRunner.Result r = cli.run("init", "--name", " ");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("--name is empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n", "null"})
    void anEmptyConfigurationSaysSoAndHowToFixIt(String json) throws IOException {
        writeConfig(json);

        CliRunner.Result r = cli.run("unpair", "AAAAAAA");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        oneLineInUserWords(r);
        assertThat(r.err()).containsAnyOf("is empty", "holds no settings").contains("Write {}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{ \"port\": \"seven\" }", "{ \"port\": 1.5 }", "{ \"port\": 99999999999 }", "{ \"conflicts\": 1 }",
        "{ \"staticPeers\": \"10.0.0.7:7465\" }", "{ \"staticPeers\": [\"10.0.0.7\"] }", "[]", "{ \"dashboard\": [] }",
        "{ \"port\": 7465, }", "{ \"port\": 7465 } x", "{ \"port\": 1, \"port\": 2 }", "{ \"bind\": [] }",
        "{ \"enabled\": null }", "{ \"mode\": 3 }", "{ \"alerts\": { \"failedSyncs\": \"x\" } }", "{ \"prot\": 7465 }"})
    void everyConfigMistakeIsOneLineInUserWordsNamingTheKey(String json) throws IOException {
        writeConfig(json);

        CliRunner.Result r = cli.run("unpair", "AAAAAAA");

        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        oneLineInUserWords(r);
        assertThat(r.err()).contains("node.json");
    }

    @Test
    void statusPeersAndLoreReadTheConfigurationToo() throws IOException {
        String id = addLore("Staging is reset every Monday");
        writeConfig("{ \"port\": \"seven\" }");

        CliRunner.Result status = cli.run("status");
        assertThat(status.exit()).as(status.toString()).isEqualTo(4);
        assertThat(status.out()).as("status still shows what it can").contains("Device").contains("Config")
            .contains("key \"port\" has the wrong type");

        for (String[] command : new String[][] {{"peers"}, {"lore list", "--path", dir.resolve("project").toString()},
            {"lore show", id}, {"log"}, {"conflicts"}, {"realm list"}}) {
            CliRunner.Result r = cli.run(command[0], java.util.Arrays.copyOfRange(command, 1, command.length));
            assertThat(r.exit()).as(String.join(" ", command) + ": " + r).isEqualTo(4);
            oneLineInUserWords(r);
            assertThat(r.err()).contains("key \"port\"");
        }
    }

    @Test
    void logTimestampsAreIso8601AndZeroEventsPrintNothing() {
        addLore("one");
        addLore("two");
        assertThat(cli.run("realm share", dir.resolve("project").toString()).exit()).isZero();

        CliRunner.Result log = cli.run("log");
        assertThat(log.exit()).as(log.toString()).isZero();
        assertThat(log.out().lines()).isNotEmpty().allSatisfy(line -> assertThat(line)
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z  .*")
            .doesNotContainPattern("^\\S+\\+\\d"));
        assertThat(java.time.Instant.parse(log.out().substring(0, 24))).isNotNull();

        CliRunner.Result none = cli.run("log", "-n", "0");
        assertThat(none.exit()).as(none.toString()).isZero();
        assertThat(none.out()).isEmpty();

        CliRunner.Result negative = cli.run("log", "-n", "-1");
        assertThat(negative.exit()).as(negative.toString()).isEqualTo(2);
    }

    @Test
    void anEditWithNoFieldsChangesNothingAndSaysSo() throws Exception {
        String id = addLore("Cache lookups time out after 200 ms");
        String before = cli.run("lore show", id).out();
        long pending = pendingChanges();

        CliRunner.Result none = cli.run("lore edit", id);
        assertThat(none.exit()).as(none.toString()).isEqualTo(2);
        assertThat(none.err()).contains("Nothing to change").contains("--content");

        CliRunner.Result same = cli.run("lore edit", id, "--content", "Cache lookups time out after 200 ms");
        assertThat(same.exit()).as(same.toString()).isZero();
        assertThat(same.out()).contains("nothing changed");

        assertThat(cli.run("lore show", id).out()).as("updated_at too").isEqualTo(before);
        assertThat(pendingChanges()).as("no change was captured").isEqualTo(pending);
    }

    private long pendingChanges() throws Exception {
        try (LoreHubDatabase db = LoreHubDatabase.open(new NodeHome(dir.resolve("data")).database())) {
            return ChangeCapture.pendingCount(db.connection());
        }
    }

    @Test
    void theEditSideOfADeleteVersusEditShowsItsValues() {
        ObjectNode edit = new ObjectMapper().createObjectNode().put("content", "keep me, edited").put("type", "wisdom")
            .put("confidence", 80).put("created_at", "2026-01-01T00:00:00.000Z");
        assertThat(ConflictsCommand.shown(edit)).isEqualTo("\"keep me, edited\" (type wisdom, confidence 80)");
        assertThat(ConflictsCommand.shown(new ObjectMapper().getNodeFactory().textNode("limit is 20")))
            .isEqualTo("\"limit is 20\"");
    }
}
