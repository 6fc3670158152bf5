package dev.lorehub.node.remote;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The remote clients stay at the edge that owns them (DESIGN.md §2): nothing else sees S3, PostgreSQL or git transport. */
class RemoteArchitectureTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub");

    @Test
    void remoteClientsStayInTheRemotePackage() {
        noClasses().that().resideOutsideOfPackage("dev.lorehub.node.remote..")
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..", "org.postgresql..",
                "org.eclipse.jgit.transport..", "org.apache.sshd..")
            .check(PRODUCTION);
    }

    @Test
    void theRemoteLayerDoesNotReachIntoTheRuntime() {
        noClasses().that().resideInAPackage("dev.lorehub.node.remote..")
            .should().dependOnClassesThat().resideInAnyPackage("dev.lorehub.node.runtime..", "dev.lorehub.node.cli..",
                "dev.lorehub.node.transport..", "dev.lorehub.node.sync..")
            .check(PRODUCTION);
    }
}
