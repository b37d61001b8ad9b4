package io.tablecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Which packages may use which, read from the sources so that a new dependency shows up here. */
class PackageBoundariesTest {
  private static final Path MAIN = Path.of("src/main/java/io/tablecast");

  @Test
  void theServiceNeverUsesTheBenchmarks() {
    assertEquals(List.of(), sourcesUsing("io.tablecast.bench.",
        p -> !p.startsWith(MAIN.resolve("bench")) && !p.equals(MAIN.resolve("Main.java"))));
  }

  @Test
  void categoriesDoNotDependOnItems() {
    // Items name their category; what reacts to a category's deletion by commanding items lives in item/.
    assertEquals(List.of(), sourcesUsing("io.tablecast.item.", p -> p.startsWith(MAIN.resolve("category"))));
  }

  private static List<String> sourcesUsing(String prefix, Predicate<Path> among) {
    try (Stream<Path> files = Files.walk(MAIN)) {
      return files.filter(p -> p.toString().endsWith(".java")).filter(among)
          .filter(p -> read(p).contains(prefix))
          .map(p -> MAIN.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
