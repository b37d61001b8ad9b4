package io.tablecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The JVM setting Main makes before anything runs. */
class MainTest {
  @Test
  void onOneOrTwoCoresTheCommonPoolGetsTwoThreadsSoAsyncCallbacksStartNoThreads() {
    assertEquals(Optional.of("2"), Main.commonPoolParallelism(1));
    assertEquals(Optional.of("2"), Main.commonPoolParallelism(2));
  }

  @Test
  void withThreeOrMoreCoresTheJdkDefaultStays() {
    assertEquals(Optional.empty(), Main.commonPoolParallelism(3));
    assertEquals(Optional.empty(), Main.commonPoolParallelism(16));
  }

  @Test
  void aNodeLogsToStandardOutputEveryOtherCommandToStandardErrorUnlessToldOtherwise() {
    assertEquals(Optional.empty(), Main.logTarget(new String[] {"serve"}, false));
    assertEquals(Optional.of("System.err"), Main.logTarget(new String[] {"db", "migrate", "--dry-run"}, false));
    assertEquals(Optional.of("System.err"), Main.logTarget(new String[] {}, false));
    assertEquals(Optional.empty(), Main.logTarget(new String[] {"db", "info"}, true));
  }
}
