package dev.lorehub.simulator;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lorehub.node.architecture.SansIoRules;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The simulator's engine is deterministic: the same sans-IO rule as the protocol cores, and no Netty or JmDNS at all. */
class SimulatorArchitectureTest {
    private static final JavaClasses SIMULATOR = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub.simulator");

    @Test
    void theEngineIsSansIo() {
        classes().that().resideInAPackage("dev.lorehub.simulator.engine..").should(SansIoRules.beSansIo())
            .allowEmptyShould(true).check(SIMULATOR);
    }

    @Test
    void theSimulatorNeverUsesNettyJmdnsOrTheDaemon() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("io.netty..", "javax.jmdns..",
                "dev.lorehub.node.transport..", "dev.lorehub.discovery..")
            .allowEmptyShould(true).check(SIMULATOR);
    }
}
