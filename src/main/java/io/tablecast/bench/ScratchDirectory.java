package io.tablecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A benchmark's temporary data directory (its embedded PostgreSQL, the service's log). A full run
 * leaves gigabytes there, so a run that succeeds removes it unless asked to keep it; a failed run
 * keeps it for the log.
 */
public final class ScratchDirectory {
  private ScratchDirectory() {}

  public static Path create() throws IOException {
    return Files.createTempDirectory("tablecast-bench");
  }

  /** Removes the directory and everything in it; says so on stderr if it cannot. */
  public static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not remove the benchmark's data directory " + dir + ": " + e);
    }
  }
}
