package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --json} on every listing command, through the real CLI on a real data directory: stdout is
 * exactly one JSON document (so {@code | jq} works) with the documented fields, also when the list
 * is empty; hints stay on stderr.
 */
class CliJsonTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    CliRunner cli;

    @BeforeEach
    void initialised() throws IOException {
        cli = new CliRunner(dir.resolve("data"));
        assertThat(cli.run("init", "--name", "test-device").exit()).isZero();
        Files.writeString(dir.resolve("data/node/node.json"), "{ \"enabled\": false }");
    }

    private JsonNode json(String command, String... args) throws IOException {
        CliRunner.Result r = cli.run(command, args);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().strip()).as("one line of JSON: " + r).doesNotContain("\n").startsWith("{").endsWith("}");
        return JSON.readTree(r.out());
    }

    @Test
    void emptyListsAreEmptyArrays() throws IOException {
        assertThat(json("peers", "--json").path("peers").isArray()).isTrue();
        assertThat(json("peers", "--json").path("peers")).isEmpty();
        assertThat(json("conflicts", "--json").path("conflicts")).isEmpty();
        assertThat(json("log", "--json").path("events")).isEmpty();
        assertThat(json("log", "--refused", "--json").path("refused")).isEmpty();
        assertThat(json("realm list", "--json").path("realms")).isEmpty();
    }

    @Test
    void loresAndTheLogAsJson() throws IOException {
        String project = dir.resolve("project").toString();
        CliRunner.Result added = cli.run("lore add", "--path", project, "--sigil", "storage", "--confidence", "70",
            "Cache lookups time out after 200 ms");
        Matcher m = LORE_ID.matcher(added.out());
        assertThat(m.find()).as(added.toString()).isTrue();
        String lore = m.group(1);

        JsonNode list = json("lore list", "--path", project, "--json");
        assertThat(list.path("realm").path("id").asText()).isNotEmpty();
        assertThat(list.path("lores")).hasSize(1);
        JsonNode shown = json("lore show", lore.substring(0, 8), "--path", project, "--json");
        assertThat(list.path("lores").get(0)).isEqualTo(shown);
        assertThat(shown.path("id").asText()).isEqualTo(lore);
        assertThat(shown.path("content").asText()).isEqualTo("Cache lookups time out after 200 ms");
        assertThat(shown.path("confidence").asInt()).isEqualTo(70);
        assertThat(shown.path("sigils").get(0).asText()).isEqualTo("storage");
        assertThat(shown.path("createdAt").asText()).isNotEmpty();

        assertThat(cli.run("realm share", project).exit()).isZero();
        JsonNode log = json("log", "--json");
        assertThat(log.path("events")).isNotEmpty();
        JsonNode created = null;
        for (JsonNode e : log.path("events")) {
            if (lore.equals(e.path("lore").asText(null))) {
                created = e;
            }
        }
        assertThat(created).as(log.toString()).isNotNull();
        assertThat(created.path("what").asText()).startsWith("created lore " + lore.substring(0, 8));
        assertThat(created.path("version").asText()).hasSize(64);
        assertThat(created.path("authorName").asText()).isEqualTo("this device");
        assertThat(created.path("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(json("log", "-n", "0", "--json").path("events")).isEmpty();

        JsonNode realms = json("realm list", "--json").path("realms");
        assertThat(realms).hasSize(1);
        assertThat(realms.get(0).path("role").asText()).isEqualTo("admin");
        assertThat(realms.get(0).path("joined").asBoolean()).isTrue();
        assertThat(realms.get(0).path("path").asText()).endsWith("project");
        JsonNode members = json("realm members", "--realm", realms.get(0).path("id").asText(), "--json");
        assertThat(members.path("realm").asText()).isEqualTo(realms.get(0).path("id").asText());
        assertThat(members.path("members")).hasSize(1);
        assertThat(members.path("members").get(0).path("self").asBoolean()).isTrue();
    }
}
