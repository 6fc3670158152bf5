package dev.lorehub.simulator;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lorehub.node.architecture.SansIoRules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's engine is deterministic: the same sans-IO rule as the protocol cores, and no Netty or JmDNS at all.
 * And it has no node policy of its own: whom to dial and when, which duplicate connection to keep, which sessions to
 * restart and what to offer to whom are the {@code NodeEndpoint}'s decisions, as in the daemon (issue 13).
 */
class SimulatorArchitectureTest {
    private static final JavaClasses SIMULATOR = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub.simulator");

    @Test
    void theEngineIsSansIo() {
        classes().that().resideInAPackage("dev.lorehub.simulator.engine..").should(SansIoRules.beSansIo())
            .check(SIMULATOR);
    }

    @Test
    void theSimulatorNeverUsesNettyJmdnsOrTheDaemon() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "javax.jmdns..",
                "dev.lorehub.node.transport..", "dev.lorehub.discovery..")
            .check(SIMULATOR);
    }

    @Test
    void theSimulatorUsesNoPolicyOfTheEndpointDirectly() {
        noClasses().should().dependOnClassesThat().haveFullyQualifiedName("dev.lorehub.node.endpoint.Backoff")
            .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.lorehub.node.endpoint.TieBreak")
            .check(SIMULATOR);
    }

    /** A copy of the policy would show in the code (comments aside) as one of these words. */
    @Test
    void noReconnectBackoffTieBreakRestartOrFanOutCodeInTheSimulator() throws IOException {
        Pattern policy = Pattern.compile("(?i)backoff|tie.?break|redial|reconnect|restartStale|restartMismatched|fanOut|"
            + "settle\\(|absorbStored|scheduleTimer");
        List<String> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    String code = lines.get(i).replaceAll("//.*", "").trim();
                    if (code.startsWith("*") || code.startsWith("/*")) {
                        continue; // javadoc and block comments describe what the endpoint does
                    }
                    code = code.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\""); // strings (help text, reports)
                    if (policy.matcher(code).find()) {
                        hits.add(f + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(hits).as("policy code in the simulator").isEmpty();
    }
}
