package io.tablecast.unique;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import io.tablecast.support.AggregateTestKit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One reservation: granted once, fenced take-overs, confirm and release only by the owner. */
class UniqueValueTest extends AggregateTestKit {

  private final UUID a = UUID.randomUUID();
  private final UUID b = UUID.randomUUID();
  private EventSourcedBehaviorTestKit<UniqueValue.Command, UniqueValue.Event, UniqueValue.State> value;

  @BeforeEach
  void newValue() {
    value = EventSourcedBehaviorTestKit.create(testKit.system(), UniqueValue.create("email:x@example.com", settings));
  }

  @Test
  void theFirstClaimWinsAndLaterClaimsSeeTheHolder() {
    assertInstanceOf(UniqueValue.Granted.class, value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(a, null, r)).reply());
    var second = value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(b, null, r));
    assertTrue(second.hasNoEvents());
    UniqueValue.Held held = assertInstanceOf(UniqueValue.Held.class, second.reply());
    assertEquals(a, held.holder());
    assertEquals(false, held.confirmed());
  }

  @Test
  void aTakeOverHoldsOnlyIfNobodyClaimedMeanwhile() {
    value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(a, null, r));
    UniqueValue.Held held = (UniqueValue.Held) value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(b, null, r)).reply();
    // the holder claims again (say, a restore): the claim count moves and fences the take-over
    value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(a, null, r));
    var fenced = value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.TakeOver(a, held.claim(), b, null, r));
    assertInstanceOf(UniqueValue.Held.class, fenced.reply());
    assertTrue(fenced.hasNoEvents());

    UniqueValue.Held now = (UniqueValue.Held) value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Lookup(r)).reply();
    var taken = value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.TakeOver(a, now.claim(), b, null, r));
    assertInstanceOf(UniqueValue.Granted.class, taken.reply());
    assertEquals(b, taken.state().owner());
  }

  @Test
  void onlyTheOwnerConfirmsAndReleases() {
    value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(a, null, r));
    assertTrue(value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Confirm(b, null, r)).hasNoEvents());
    assertTrue(value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Release(b, null, r)).hasNoEvents());
    assertTrue(value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Confirm(a, null, r)).state().confirmed());
    var released = value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Release(a, null, r));
    assertInstanceOf(UniqueValue.Free.class, released.reply());
    assertInstanceOf(UniqueValue.Granted.class, value.<UniqueValue.Reply>runCommand(r -> new UniqueValue.Claim(b, null, r)).reply());
    assertEquals(b, value.restart().state().owner(), "the reservation survives a restart");
  }
}
