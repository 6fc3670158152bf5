package dev.lorehub.node.architecture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.lorehub.archfixture.OwnObjectMapper;
import dev.lorehub.node.json.Json;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node's production code has one Jackson mapper, {@link Json#MAPPER}: nobody else constructs one. */
class SharedJsonMapperTest {
    private static final JavaClasses PRODUCTION = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.lorehub.node");

    private static ArchRule onlyJsonBuildsAMapper() {
        return noClasses().that().resideOutsideOfPackage("dev.lorehub.node.json..")
            .should().callConstructor(ObjectMapper.class)
            .because("one shared, configured mapper: use dev.lorehub.node.json.Json");
    }

    @Test
    void noProductionClassBuildsItsOwnMapper() {
        assertThat(PRODUCTION.contain(Json.class)).isTrue(); // the rule looks at real classes, not an empty set
        onlyJsonBuildsAMapper().check(PRODUCTION);
    }

    @Test
    void theRuleCatchesAClassThatBuildsItsOwnMapper() {
        JavaClasses bad = new ClassFileImporter().importClasses(OwnObjectMapper.class);
        assertThatThrownBy(() -> onlyJsonBuildsAMapper().check(bad))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("OwnObjectMapper");
    }
}
