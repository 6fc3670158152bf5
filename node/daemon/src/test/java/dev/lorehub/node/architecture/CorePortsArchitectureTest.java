package dev.lorehub.node.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.lorehub.node.core.archfixture.SqlInCore;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The domain speaks its own ports (DESIGN.md §2): the core, the sync session and the endpoint
 * never see a JDBC type; storage reaches them through {@code EventLog}, {@code LhRows},
 * {@code CaptureQueue} and {@code NodeStorage}, and fails with {@code StorageException}.
 */
class CorePortsArchitectureTest {

    /** The packages that must not depend on {@code java.sql}. */
    static final String[] DOMAIN_PACKAGES = {"dev.lorehub.node.core..", "dev.lorehub.node.sync..", "dev.lorehub.node.endpoint.."};

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub.node");

    /** The rule; the same object judges production and the fixture. */
    static ArchRule noJdbcInTheDomain() {
        return noClasses().that().resideInAnyPackage(DOMAIN_PACKAGES)
            .should().dependOnClassesThat().resideInAPackage("java.sql..")
            .because("the core owns its storage ports; only dev.lorehub.node.store speaks JDBC");
    }

    @Test
    void theDomainDoesNotSeeJavaSql() {
        noJdbcInTheDomain().check(PRODUCTION);
    }

    @Test
    void everyGuardedPackageHoldsClasses() {
        // a renamed package would leave the rule checking nothing, and passing
        for (String pkg : DOMAIN_PACKAGES) {
            String name = pkg.substring(0, pkg.length() - 2);
            assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().equals(name)).count())
                .as("production classes in " + name).isPositive();
        }
    }

    @Test
    void theRuleCatchesACoreClassThatSpeaksJdbc() {
        JavaClasses fixture = new ClassFileImporter().importClasses(SqlInCore.class);
        assertThat(fixture.stream().map(c -> c.getPackageName()))
            .as("the fixture sits where the rule looks").containsExactly("dev.lorehub.node.core.archfixture");
        assertThatThrownBy(() -> noJdbcInTheDomain().check(fixture))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining(SqlInCore.class.getName())
            .hasMessageContaining("java.sql.Connection")
            .hasMessageContaining("java.sql.SQLException");
    }
}
