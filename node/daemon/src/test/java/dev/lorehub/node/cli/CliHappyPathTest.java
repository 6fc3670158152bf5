package dev.lorehub.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One device's whole story through the CLI, in-process and without a network: init, the lore
 * commands, sharing a realm while no daemon runs (the CLI runs an offline node for it), status
 * as JSON, and the audit log.
 */
class CliHappyPathTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36}) to realm (\\S+)\\.");
    private static final Pattern REALM_ID = Pattern.compile("as ([0-9a-f]{32})\\.");

    @TempDir
    Path dir;

    @Test
    void initLoresShareStatusAndLogWithoutNetwork() throws IOException {
        CliRunner cli = new CliRunner(dir.resolve("data"));
        Path project = dir.resolve("work/api");
        Files.createDirectories(project);

        CliRunner.Result init = ok(cli.run("init", "--name", "ann-laptop"));
        assertThat(init.out()).contains("Created " + dir.resolve("data/lorehub.db")).contains("Created device identity");
        assertThat(ok(cli.run("init")).out()).as("init is safe to run again").contains("Using ").contains("Found device identity");
        // Belt and braces: were anything below to start a node on the network, it would fail (exit 4) instead.
        Files.writeString(dir.resolve("data/node/node.json"), "{ \"enabled\": false, \"displayName\": \"ann-laptop\" }");

        String first = addLore(cli, project, "Every HTTP call to billing goes through the retry helper", "--type", "decree",
            "--why", "Billing drops about 1% of requests", "--sigil", "api", "--sigil", "billing", "--confidence", "90");
        String second = addLore(cli, project, "Staging is reset every Monday at 06:00 UTC");
        String third = addLore(cli, project, "This one will be removed", "--type", "risk");

        CliRunner.Result list = ok(cli.run("lore list", "--path", project.toString()));
        assertThat(list.out()).contains(first.substring(0, 8)).contains("decree").contains("retry helper")
            .contains(second.substring(0, 8)).contains("Staging is reset").contains(third.substring(0, 8));

        CliRunner.Result show = ok(cli.run("lore show", first.substring(0, 8)));
        assertThat(show.out()).contains("id          " + first).contains("content     Every HTTP call to billing")
            .contains("why         Billing drops about 1% of requests").contains("type        decree")
            .contains("confidence  90").contains("status      living").contains("sigils      api, billing");

        ok(cli.run("lore edit", first, "--content", "Every HTTP call to billing and tax goes through the retry helper",
            "--confidence", "95"));
        assertThat(ok(cli.run("lore show", first)).out()).contains("content     Every HTTP call to billing and tax")
            .contains("confidence  95").contains("type        decree");

        assertThat(ok(cli.run("lore rm", third)).out()).contains("Deleted lore " + third);
        assertThat(ok(cli.run("lore list", "--path", project.toString())).out()).doesNotContain("will be removed")
            .contains("retry helper");

        CliRunner.Result share = ok(cli.run("realm share", project.toString()));
        Matcher m = REALM_ID.matcher(share.out());
        assertThat(m.find()).as(share.out()).isTrue();
        String realm = m.group(1);
        assertThat(share.out()).contains("Shared realm api (" + project + ")");

        JsonNode status = new ObjectMapper().readTree(ok(cli.run("status", "--json")).out());
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(status.get("peers")).isEmpty();
        assertThat(status.get("conflicts").asInt()).isZero();
        assertThat(status.get("realms")).hasSize(1);
        JsonNode r = status.get("realms").get(0);
        assertThat(r.get("realm").asText()).isEqualTo(realm);
        assertThat(r.get("name").asText()).isEqualTo("api");
        assertThat(r.get("path").asText()).isEqualTo(project.toString());
        assertThat(r.get("role").asText()).isEqualTo("admin");
        assertThat(r.get("members").asInt()).isEqualTo(1);
        assertThat(r.get("events").asLong()).as("genesis plus the two living lores").isGreaterThanOrEqualTo(3);
        assertThat(r.get("unreadable").asLong()).isZero();

        assertThat(ok(cli.run("status")).out()).contains("node not running").contains("api").contains("admin");
        assertThat(ok(cli.run("realm list")).out()).contains(realm).contains("admin").contains(project.toString());
        assertThat(ok(cli.run("realm members", "--realm", realm)).out()).contains("admin").contains("(this device)");
        assertThat(ok(cli.run("peers")).out()).contains("No paired devices yet");
        assertThat(ok(cli.run("conflicts")).out()).contains("No conflicts.");

        CliRunner.Result log = ok(cli.run("log"));
        assertThat(log.out()).contains("founded the realm").contains("this device")
            .contains("lore " + first.substring(0, 8)).contains("lore " + second.substring(0, 8))
            .doesNotContain(third.substring(0, 8));

        // A change made while no node runs waits in the capture table until one does.
        ok(cli.run("lore edit", second, "--confidence", "60"));
        JsonNode after = new ObjectMapper().readTree(ok(cli.run("status", "--json")).out());
        assertThat(after.get("notYetCaptured").asLong()).isPositive();
    }

    private static String addLore(CliRunner cli, Path project, String content, String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "--path";
        args[1] = project.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        args[args.length - 1] = content;
        CliRunner.Result r = ok(cli.run("lore add", args));
        Matcher m = LORE_ID.matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(m.group(2)).isEqualTo(project.getFileName().toString());
        return m.group(1);
    }

    private static CliRunner.Result ok(CliRunner.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r;
    }
}
