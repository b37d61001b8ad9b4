package io.tablecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A warm-up runs windows while the rate rises and ends once it has stopped rising, or at its bound. */
class WarmUpTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** Feeds the given window rates in order, as a load would measure them. */
  private static WarmUp.Run warmUp(Duration atMost, Double... rates) throws Exception {
    Iterator<Double> next = List.of(rates).iterator();
    return new WarmUp(WINDOW, atMost).run(window -> next.next());
  }

  @Test
  void goesOnWhileTheRateRisesAndEndsWhenItLevelsOff() throws Exception {
    // The create load of a full run (12-02 17:31 UTC), then level; the last window is never run.
    WarmUp.Run run = warmUp(Duration.ofMinutes(8),
        372.0, 844.0, 708.0, 767.0, 971.0, 1080.0, 1182.0, 1344.0, 1343.0, 1182.0, 1238.0, 1114.0, 1300.0, 1310.0, 9999.0);
    assertTrue(run.steady());
    assertEquals(14, run.rates().size(),
        "ended once, three times in a row, the last three windows were within 3% of the three before");
    assertEquals(140, run.seconds());
  }

  @Test
  void aDipWhileRisingDoesNotEndIt() throws Exception {
    WarmUp.Run run = warmUp(Duration.ofMinutes(8), 300.0, 600.0, 900.0, 700.0, 1100.0, 1300.0, 1300.0, 1310.0, 1290.0, 1305.0,
        1300.0, 1295.0, 1310.0);
    assertTrue(run.steady());
    assertEquals(13, run.rates().size());
  }

  @Test
  void endsAtItsBoundWhenTheRateKeepsRising() throws Exception {
    WarmUp.Run run = warmUp(Duration.ofSeconds(60), 100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0);
    assertFalse(run.steady());
    assertEquals(6, run.rates().size());
    assertTrue(run.describe().endsWith("NOT steady after 60 s"), run.describe());
  }

  @Test
  void describesEachWindow() throws Exception {
    WarmUp.Run run = warmUp(Duration.ofMinutes(2), 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0);
    assertEquals("1,000 1,000 1,000 1,000 1,000 1,000 1,000 1,000 /s in 10 s windows; steady after 80 s", run.describe());
    Iterator<Double> rates = List.of(5.0, 6.0).iterator();
    WarmUp.Run short_ = new WarmUp(Duration.ofMillis(500), Duration.ofSeconds(1)).run(window -> rates.next());
    assertEquals("5 6 /s in 0.5 s windows; NOT steady after 1 s", short_.describe());
  }
}
