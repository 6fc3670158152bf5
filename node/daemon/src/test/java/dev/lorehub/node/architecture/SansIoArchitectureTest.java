package dev.lorehub.node.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.lorehub.archfixture.WallClockCore;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keeps the protocol cores honest and the third-party edges where DESIGN.md §2 puts them. */
class SansIoArchitectureTest {

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub");

    @Test
    void protocolCoresAreSansIo() {
        SansIoRules.sansIoPackages().check(PRODUCTION);
    }

    @Test
    void everyRuleCoversClassesThatExist() {
        // A renamed package would otherwise leave a rule checking nothing, and passing.
        for (String pkg : SansIoRules.SANS_IO_PACKAGES) {
            if (pkg.startsWith("dev.lorehub.simulator")) {
                continue; // not on node's classpath: SimulatorArchitectureTest checks it
            }
            String prefix = pkg.substring(0, pkg.length() - 2);
            assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().startsWith(prefix)).count())
                .as("classes in " + pkg).isPositive();
        }
        for (String pkg : new String[] {"dev.lorehub.node.transport", "dev.lorehub.node.dashboard.http", "dev.lorehub.node.store",
            "dev.lorehub.discovery"}) {
            assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().startsWith(pkg)).count()).as("classes in " + pkg).isPositive();
        }
    }

    @Test
    void theRuleCatchesAWallClockCall() {
        JavaClasses bad = new ClassFileImporter().importClasses(WallClockCore.class);
        assertThatThrownBy(() -> classes().should(SansIoRules.beSansIo()).check(bad))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("System.nanoTime")
            .hasMessageContaining("Thread.<init>")
            .hasMessageContaining("Random.<init>");
    }

    @Test
    void nettyStaysInTheTransportPackage() {
        // ... and in the dashboard's HTTP server, its other network edge
        noClasses().that().resideOutsideOfPackages("dev.lorehub.node.transport..", "dev.lorehub.node.dashboard.http..")
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .check(PRODUCTION);
    }

    @Test
    void sqliteDriverStaysInTheStorePackage() {
        noClasses().that().resideOutsideOfPackage("dev.lorehub.node.store..")
            .should().dependOnClassesThat().resideInAPackage("org.sqlite..")
            .check(PRODUCTION);
    }

    @Test
    void bouncyCastleStaysInTheCryptoModule() {
        noClasses().that().resideOutsideOfPackage("dev.lorehub.crypto..")
            .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
            .check(PRODUCTION);
    }

    @Test
    void jmdnsStaysInTheDiscoveryModule() {
        noClasses().that().resideOutsideOfPackage("dev.lorehub.discovery..")
            .should().dependOnClassesThat().resideInAPackage("javax.jmdns..")
            .check(PRODUCTION);
    }
}
