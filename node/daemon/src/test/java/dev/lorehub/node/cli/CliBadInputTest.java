package dev.lorehub.node.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to the CLI, run in-process: every mistake ends with its documented exit code (see
 * {@link Main}) and a message that says what is wrong and what to do. None of these touch the
 * network: where a command could start a node, the data directory's node.json says
 * {@code "enabled": false}, so a check that ran only after starting one would exit 4 instead.
 */
class CliBadInputTest {
    private static final Pattern LORE_ID = Pattern.compile("Added lore ([0-9a-f-]{36})");
    private static final Pattern REALM_ID = Pattern.compile("as ([0-9a-f]{32})\\.");

    @TempDir
    Path dir;

    CliRunner cli;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir.resolve("data"));
    }

    private void init() throws IOException {
        CliRunner.Result r = cli.run("init", "--name", "test-device");
        assertThat(r.exit()).as(r.toString()).isZero();
        // Sync disabled: a command that tried to start a node on the network would exit 4.
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

    @Nested
    class UnknownCommand {
        @Test
        void exitsTwoNamingTheArgumentAndPointingAtRealCommands() {
            CliRunner.Result r = CliRunner.raw("frobnicate");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("Unmatched argument").contains("'frobnicate'");
            // picocli offers the closest commands, or the usage when none is close
            assertThat(r.err()).containsAnyOf("Did you mean: lorehub-node", "Usage: lorehub-node");
            assertThat(r.out()).isEmpty();
        }

        @Test
        void noCommandAtAllShowsTheUsage() {
            CliRunner.Result r = CliRunner.raw("--help");

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Usage: lorehub-node").contains("Exit codes:").contains("pair");
        }

        @Test
        void suggestsTheCommandMeantForATypo() {
            CliRunner.Result r = CliRunner.raw("statsu");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("statsu").contains("Did you mean").contains("status");
        }

        @ParameterizedTest
        @CsvSource({"pair,--help", "lore add,--help", "realm revoke,-h", "help,pair"})
        void everyCommandExplainsItselfOnRequest(String command, String flag) {
            String[] argv = (command + " " + flag).split(" ");
            CliRunner.Result r = CliRunner.raw(argv);

            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Usage: lorehub-node " + (command.equals("help") ? flag : command))
                .contains("--data-dir").contains("Exit codes:");
        }

        @Test
        void unknownSubcommandOfLoreExitsTwo() {
            CliRunner.Result r = CliRunner.raw("lore", "delete", "abc");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("delete");
        }

        @Test
        void unknownOptionExitsTwoNamingIt() {
            CliRunner.Result r = cli.run("status", "--jsn");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("--jsn");
        }
    }

    @Nested
    class MalformedConfig {
        @BeforeEach
        void initialised() throws IOException {
            init();
        }

        /** unpair reads the configuration first; were it accepted, it would run an offline node and exit 7, not 4. */
        private CliRunner.Result withConfig(String json) throws IOException {
            writeConfig(json);
            return cli.run("unpair", "AAAAAAA");
        }

        @Test
        void invalidJsonExitsFourNamingTheFile() throws IOException {
            CliRunner.Result r = withConfig("{ \"port\": 7465, ");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("node.json").contains("is not valid JSON");
        }

        @Test
        void unknownKeyExitsFourNamingTheKeyAndTheKnownOnes() throws IOException {
            CliRunner.Result r = withConfig("{ \"prot\": 7465 }");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("unknown key \"prot\"").contains("Known keys").contains("port");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "{ \"port\": \"seven\" }                        | port",
            "{ \"enabled\": \"yes\" }                       | enabled",
            "{ \"bind\": \"10.0.0.1\" }                     | bind",
            "{ \"conflicts\": { \"autoResolve\": 1 } }      | conflicts.autoResolve",
            "{ \"staticPeers\": [ { \"host\": \"a\" } ] }  | staticPeers[0]",
        })
        void wrongTypeExitsFourNamingTheKey(String json, String key) throws IOException {
            CliRunner.Result r = withConfig(json);

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("key \"" + key + "\"").contains("wrong type");
        }

        @Test
        void badValueExitsFourSayingWhatIsAllowed() throws IOException {
            CliRunner.Result r = withConfig("{ \"mode\": \"sometimes\" }");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("mode").contains("\"automatic\" or \"manual\"");
        }

        @Test
        void anAutoJoinEntryThatIsNoDeviceExitsFour() throws IOException {
            CliRunner.Result r = withConfig("{ \"autoJoin\": [\"laptop\"] }");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("\"autoJoin[0]\"").contains("first 7 characters").contains("\"laptop\"");
        }

        @Test
        void outOfRangePortExitsFour() throws IOException {
            CliRunner.Result r = withConfig("{ \"port\": 70000 }");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("\"port\"").contains("0..65535");
        }

        /** Bounded: were "enabled" ignored, start would run (on loopback) until stopped. */
        @Test
        @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
        void disabledSyncRefusesToStartWithFour() throws IOException {
            writeConfig("{ \"enabled\": false }");
            CliRunner.Result r = cli.run("start", "--loopback");

            assertThat(r.exit()).as(r.toString()).isEqualTo(4);
            assertThat(r.err()).contains("\"enabled\": false");
        }
    }

    @Nested
    class MissingDatabase {
        @Test
        void statusOnAnEmptyDirectoryExitsThreeTellingToRunInit() {
            CliRunner.Result r = cli.run("status");

            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("There is no LoreHub database").contains("lorehub-node init");
        }

        @Test
        void loreListOnAnEmptyDirectoryExitsThree() {
            CliRunner.Result r = cli.run("lore list", "--path", dir.toString());

            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("lorehub-node init");
        }

        @Test
        void aDatabaseWithoutIdentityExitsThreeTellingToRunInit() throws IOException {
            assertThat(cli.run("init").exit()).isZero();
            Files.delete(dir.resolve("data/node/identity.key"));

            CliRunner.Result r = cli.run("status");

            assertThat(r.exit()).as(r.toString()).isEqualTo(3);
            assertThat(r.err()).contains("no node identity").contains("lorehub-node init");
        }
    }

    @Nested
    class BadPairingInput {
        @BeforeEach
        void initialised() throws IOException {
            init();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "not-a-code                   | starts with its number",
            "42-olive-tunnel              | has 3 words",
            "42-olive-tunnel-ember-extra  | has 3 words",
            "0-olive-tunnel-ember         | 1 to",
            "42-olive-tunnel-embr         | did you mean \"ember\"",
        })
        void badCodeFormatExitsTwoSayingWhatIsWrong(String code, String what) {
            CliRunner.Result r = cli.run("pair", code);

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("That pairing code is not valid").contains(what);
        }

        @Test
        void badPeerAddressExitsTwo() {
            CliRunner.Result r = cli.run("pair", "42-olive-tunnel-ember", "--peer", "nowhere");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("'nowhere' is not host:port");
        }

        @Test
        void unknownRoleExitsTwo() {
            CliRunner.Result r = cli.run("pair", "--role", "owner");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("unknown role 'owner'").contains("read, write, admin or relay");
        }
    }

    @Nested
    class BadLoreInput {
        @BeforeEach
        void initialised() throws IOException {
            init();
        }

        @Test
        void invalidTypeExitsTwoListingTheTypes() {
            CliRunner.Result r = cli.run("lore add", "--path", dir.resolve("project").toString(), "--type", "gossip", "x");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("Unknown lore type 'gossip'").contains("decree").contains("wisdom");
            CliRunner.Result list = cli.run("lore list", "--path", dir.resolve("project").toString());
            assertThat(list.exit()).as("the refused lore left no realm behind: " + list).isEqualTo(7);
            assertThat(list.err()).contains("No realm for");
        }

        @ParameterizedTest
        @CsvSource({"101", "-1"})
        void confidenceOutOfRangeExitsTwo(String confidence) {
            CliRunner.Result r = cli.run("lore add", "--path", dir.resolve("project").toString(), "--confidence", confidence,
                "x");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("Confidence must be within 0..100");
        }

        @Test
        void nonNumericConfidenceExitsTwoNamingTheOption() {
            CliRunner.Result r = cli.run("lore add", "--path", dir.resolve("project").toString(), "--confidence", "high", "x");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("--confidence").contains("high");
        }

        @Test
        void blankContentExitsTwo() {
            CliRunner.Result r = cli.run("lore add", "--path", dir.resolve("project").toString(), "  ");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("needs content");
        }

        @Test
        void invalidEditLeavesTheLoreUnchanged() {
            String id = addLore("Cache lookups time out after 200 ms");

            CliRunner.Result r = cli.run("lore edit", id, "--status", "forgotten", "--content", "changed");

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("Unknown status 'forgotten'");
            assertThat(cli.run("lore show", id).out()).contains("Cache lookups time out after 200 ms");
        }

        @Test
        void unknownLoreExitsSeven() {
            addLore("something");

            CliRunner.Result r = cli.run("lore show", "ffffffff");

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("No lore with id ffffffff");
        }
    }

    @Nested
    class RefusedOperations {
        @BeforeEach
        void initialised() throws IOException {
            init();
        }

        @Test
        void resolveOnALoreWithoutConflictsExitsSeven() {
            String id = addLore("Staging is reset every Monday");

            CliRunner.Result r = cli.run("resolve", id, "--keep", "mine");

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("Lore " + id + " has no conflicts");
        }

        @Test
        void resolveNeedsExactlyOneChoice() {
            String id = addLore("Staging is reset every Monday");

            CliRunner.Result none = cli.run("resolve", id);
            CliRunner.Result both = cli.run("resolve", id, "--keep", "mine", "--content", "x");

            assertThat(none.exit()).as(none.toString()).isEqualTo(2);
            assertThat(both.exit()).as(both.toString()).isEqualTo(2);
            assertThat(both.err()).contains("mutually exclusive");
        }

        @Test
        void grantToAnUnknownDeviceExitsSeven() {
            String realm = share();

            CliRunner.Result r = cli.run("realm grant", "ZZZZZZZ", "--role", "write", "--realm", realm);

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("No known device matches 'ZZZZZZZ'");
        }

        @Test
        void grantToAnUnpairedDeviceExitsSevenSayingPairFirst() {
            String realm = share();
            CliRunner other = new CliRunner(dir.resolve("other"));
            CliRunner.Result init = other.run("init");
            Matcher m = Pattern.compile("device identity (\\S+)").matcher(init.out());
            assertThat(m.find()).as(init.out()).isTrue();

            CliRunner.Result r = cli.run("realm grant", m.group(1), "--role", "read", "--realm", realm);

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("is not paired with this one").contains("lorehub-node pair");
        }

        @Test
        void grantWithAnUnknownRoleExitsTwo() {
            String realm = share();

            CliRunner.Result r = cli.run("realm grant", "ZZZZZZZ", "--role", "owner", "--realm", realm);

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("unknown role 'owner'");
        }

        @Test
        void revokeInAnUnknownRealmExitsSeven() {
            share();

            CliRunner.Result r = cli.run("realm revoke", "ZZZZZZZ", "--realm", "0000");

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("No synced realm matches '0000'");
        }

        @Test
        void shareOfADirectoryWithoutARealmExitsSeven() {
            CliRunner.Result r = cli.run("realm share", dir.resolve("nothing-here").toString());

            assertThat(r.exit()).as(r.toString()).isEqualTo(7);
            assertThat(r.err()).contains("No realm for");
        }

        private String share() {
            addLore("Deploys need a changelog entry");
            CliRunner.Result r = cli.run("realm share", dir.resolve("project").toString());
            assertThat(r.exit()).as(r.toString()).isZero();
            Matcher m = REALM_ID.matcher(r.out());
            assertThat(m.find()).as(r.out()).isTrue();
            return m.group(1);
        }
    }
}
