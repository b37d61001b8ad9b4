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
 * Which packages may use which. Features (item, category, user, profile) use each other only
 * through a declared seam; the kernel and the shared machinery (HTTP and authentication included)
 * use no feature; nothing in the service uses the benchmarks.
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
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.tablecast.item..", "io.tablecast.user..", "io.tablecast.profile..")
        .check(classes);
    noClasses().that().resideInAPackage("io.tablecast.user..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.tablecast.item..", "io.tablecast.category..", "io.tablecast.profile..")
        .check(classes);
  }

  /**
   * A profile belongs to a user: the seam is where a request asks the User whether they are there
   * (ProfileOwners) and where a user's deletion and restoration reach their profile
   * (ProfileCascade). Users embed profiles from their read table and use no class of the profile
   * package (above), so the seam runs one way.
   */
  @Test
  void profilesUseUsersOnlyThroughTheirSeam() {
    noClasses().that().resideInAPackage("io.tablecast.profile..")
        .and().doNotHaveSimpleName("ProfileOwners")
        .and().doNotHaveSimpleName("ProfileCascade")
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.user..")
        .check(classes);
    noClasses().that().resideInAPackage("io.tablecast.profile..")
        .should().dependOnClassesThat().resideInAnyPackage("io.tablecast.item..", "io.tablecast.category..")
        .check(classes);
  }

  /** No feature and no shared machinery uses profiles; the node registers them. */
  @Test
  void nothingButTheNodeUsesProfiles() {
    noClasses().that().resideOutsideOfPackage("io.tablecast.profile..")
        .and().doNotHaveFullyQualifiedName(Tablecast.class.getName())
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.profile..")
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
   * Routes learn who sends a request from http/Authentication, which asks the users feature through an interface.
   */
  @Test
  void itemsUseUsersOnlyThroughTheirSeam() {
    noClasses().that().resideInAPackage("io.tablecast.item..")
        .and().doNotHaveSimpleName("OwnerCascade")
        .should().dependOnClassesThat().resideInAPackage("io.tablecast.user..")
        .check(classes);
  }

  @Test
  void theKernelAndTheSharedMachineryUseNoFeature() {
    noClasses().that().resideInAnyPackage("io.tablecast.aggregate..", "io.tablecast.projection..", "io.tablecast.db..",
            "io.tablecast.unique..", "io.tablecast.metrics..", "io.tablecast.cluster..", "io.tablecast.http..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("io.tablecast.item..", "io.tablecast.category..", "io.tablecast.user..",
            "io.tablecast.profile..")
        .check(classes);
  }
}
