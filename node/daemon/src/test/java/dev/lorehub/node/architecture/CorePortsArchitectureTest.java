package dev.lorehub.node.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.lorehub.node.core.archfixture.SqlInCore;
import dev.lorehub.node.core.archfixture.StoreInCore;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The domain speaks its own ports (DESIGN.md §2): the core, the sync session and the endpoint
 * never see a JDBC type, nor any class of the store that implements their ports; storage reaches
 * them through {@code EventLog}, {@code LhRows}, {@code CaptureQueue}, {@code RealmKeys} and
 * {@code NodeStorage}, with the core's own row records, and fails with {@code StorageException}.
 */
class CorePortsArchitectureTest {

    /** The packages that must depend on neither {@code java.sql} nor {@link #STORE}. */
    static final String[] DOMAIN_PACKAGES = {"dev.lorehub.node.core..", "dev.lorehub.node.sync..", "dev.lorehub.node.endpoint.."};

    /** The package that implements the domain's ports and composes the replica: it may know the core, never the reverse. */
    static final String STORE = "dev.lorehub.node.store";

    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub.node");

    /** The rule; the same object judges production and the fixture. */
    static ArchRule noJdbcInTheDomain() {
        return noClasses().that().resideInAnyPackage(DOMAIN_PACKAGES)
            .should().dependOnClassesThat().resideInAPackage("java.sql..")
            .because("the core owns its storage ports; only dev.lorehub.node.store speaks JDBC");
    }

    /** The rule that keeps the dependency one way; the same object judges production and the fixture. */
    static ArchRule noStoreInTheDomain() {
        return noClasses().that().resideInAnyPackage(DOMAIN_PACKAGES)
            .should().dependOnClassesThat().resideInAPackage(STORE + "..")
            .because("the core owns its ports and the rows they speak; the store implements them and opens the replica "
                + "(SqliteReplicas), so the core never names it");
    }

    @Test
    void theDomainDoesNotSeeJavaSql() {
        noJdbcInTheDomain().check(PRODUCTION);
    }

    @Test
    void theDomainDoesNotSeeTheStore() {
        noStoreInTheDomain().check(PRODUCTION);
    }

    @Test
    void everyGuardedPackageHoldsClasses() {
        // a renamed package would leave the rule checking nothing, and passing
        for (String pkg : DOMAIN_PACKAGES) {
            String name = pkg.substring(0, pkg.length() - 2);
            assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().equals(name)).count())
                .as("production classes in " + name).isPositive();
        }
        // the store rule's target too: were the store renamed, "depends on no class of it" would hold of anything
        assertThat(PRODUCTION.stream().filter(c -> c.getPackageName().equals(STORE)).count())
            .as("production classes in " + STORE).isPositive();
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

    @Test
    void theStoreRuleCatchesACoreClassThatNamesTheStore() {
        JavaClasses fixture = new ClassFileImporter().importClasses(StoreInCore.class);
        assertThat(fixture.stream().map(c -> c.getPackageName()))
            .as("the fixture sits where the rule looks").containsExactly("dev.lorehub.node.core.archfixture");
        assertThatThrownBy(() -> noStoreInTheDomain().check(fixture))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining(StoreInCore.class.getName())
            .hasMessageContaining("dev.lorehub.node.store.LoreHubDatabase")
            .hasMessageContaining("dev.lorehub.node.store.SqliteStorage");
    }
}
