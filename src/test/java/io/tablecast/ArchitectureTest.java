package io.tablecast;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Which packages may use which. Features (item, category, user) use each other only through a
 * declared seam; the kernel and the shared machinery use no feature's aggregate; nothing in the
 * service uses the benchmarks.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.tablecast");
  }

  @Test
  void theServiceNeverUsesTheBenchmarks() {
    ArchRule rule = noClasses().that().resideOutsideOfPackage("io.tablecast.bench..")
        .and().doNotHaveFullyQualifiedName(Main.class.getName())
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.bench..");
    rule.check(classes);
  }

  @Test
  void categoriesAndUsersUseNoOtherFeature() {
    noClasses().that().resideInAPackage("io.tablecast.category..")
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.item..")
        .check(classes);
    noClasses().that().resideInAPackage("io.tablecast.user..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tablecast.item..", "io.tablecast.category..")
        .check(classes);
  }

  /** Items name a category: the seam is where a write checks it, the answer names it, and a deletion detaches. */
  @Test
  void itemsUseCategoriesOnlyThroughTheirSeam() {
    noClasses().that().resideInAPackage("io.tablecast.item..")
        .and().doNotHaveSimpleName("ItemCategories")
        .and().doNotHaveSimpleName("CategoryDetacher")
        .and().doNotHaveSimpleName("ItemFeature")
        .and().doNotHaveSimpleName("ItemRoutes")
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.category..")
        .check(classes);
  }

  /**
   * Items follow their owner: the seam is the process that reacts to user events (OwnerCascade).
   * Auth and Principal are how every feature's routes learn who asks, not the users feature's seam.
   */
  @Test
  void itemsUseUsersOnlyThroughTheirSeam() {
    noClasses().that().resideInAPackage("io.tablecast.item..")
        .and().doNotHaveSimpleName("OwnerCascade")
        .should().dependOnClassesThat(resideInAPackage("io.tablecast.user..")
            .and(not(nameMatching("io\\.tablecast\\.user\\.(Auth|Principal)(\\$.*)?"))))
        .check(classes);
  }

  @Test
  void theKernelAndTheSharedMachineryUseNoFeature() {
    noClasses().that().resideInAnyPackage("io.tablecast.aggregate..", "io.tablecast.projection..", "io.tablecast.db..",
            "io.tablecast.unique..", "io.tablecast.metrics..", "io.tablecast.cluster..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tablecast.item..", "io.tablecast.category..")
        .check(classes);
  }
}
