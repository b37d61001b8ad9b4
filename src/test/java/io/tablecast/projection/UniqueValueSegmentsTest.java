package io.tablecast.projection;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Where a folded batch is cut: given each event's change of its entity's unique value, expect a cut or none. */
class UniqueValueSegmentsTest {
  private static final UUID A = UUID.randomUUID();
  private static final UUID B = UUID.randomUUID();
  private static final UUID C = UUID.randomUUID();

  private final UniqueValueSegments segments = new UniqueValueSegments();

  @Test
  void valuesTakenWhileNoneWasGivenUpNeedNoCut() {
    assertFalse(segments.writeFirst(A, null, "x"));
    assertFalse(segments.writeFirst(B, null, "y"));
    assertFalse(segments.writeFirst(A, "x", "x"), "keeping a value neither gives it up nor takes one");
  }

  @Test
  void aValueTakenAfterAnotherEntityGaveOneUpIsWrittenAfterThatEntity() {
    assertFalse(segments.writeFirst(A, "x", null));
    assertTrue(segments.writeFirst(B, null, "x"));
  }

  @Test
  void aRenameGivesUpTheOldValue() {
    assertFalse(segments.writeFirst(A, "x", "y"));
    assertTrue(segments.writeFirst(B, null, "x"));
  }

  @Test
  void anEntityMayTakeBackWhatItGaveUpWithoutACut() {
    assertFalse(segments.writeFirst(A, "x", null));
    assertFalse(segments.writeFirst(A, null, "x"));
  }

  @Test
  void aGiveUpWithoutALaterTakeNeedsNoCut() {
    assertFalse(segments.writeFirst(A, "x", null));
    assertFalse(segments.writeFirst(B, "y", null));
    assertFalse(segments.writeFirst(C, "z", "z"));
  }

  @Test
  void aCutStartsAFreshSegmentThatHoldsOnlyTheCuttingEventsGiveUp() {
    assertFalse(segments.writeFirst(A, "x", null));
    assertTrue(segments.writeFirst(B, "y", "x"), "B takes x, which A gave up");
    assertTrue(segments.writeFirst(C, null, "y"), "C takes y, which B gave up after the cut");
    assertFalse(segments.writeFirst(A, null, "w"), "nothing was given up since the last cut");
  }

  @Test
  void valuesSwappedThroughAThirdOneAreWrittenInThreeGoes() {
    assertFalse(segments.writeFirst(A, "x", "t"));
    assertTrue(segments.writeFirst(B, "y", "x"));
    assertTrue(segments.writeFirst(A, "t", "y"));
  }
}
