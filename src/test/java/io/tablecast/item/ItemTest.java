package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Item aggregate on its own: given commands, expect events, state and replies. */
class ItemTest {
  private static ActorTestKit testKit;
  private static Settings settings;

  private final UUID id = UUID.randomUUID();
  private EventSourcedBehaviorTestKit<Item.Command, Item.Event, Item.State> item;

  @BeforeAll
  static void startTestKit() {
    var config = ConfigFactory.parseString("akka.actor.provider = local")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(config);
    settings = Settings.from(config);
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newItem() {
    // Serialization of every command, event, reply and state is verified by the test kit.
    item = EventSourcedBehaviorTestKit.create(testKit.system(), Item.create(id.toString(), settings));
  }

  /** The item as its first event makes it; an item is created by that event, not by a command to its entity. */
  private Item.Created create(String title, String content) {
    Item.Created created = Item.created(id, title, content, null, null, null, null, null);
    item.initialize(created);
    return created;
  }

  private CommandResultWithReply<Item.Command, Item.Event, Item.State, Reply<Item.State>> run(
      java.util.function.Function<akka.actor.typed.ActorRef<Reply<Item.State>>, Item.Command> command) {
    return item.runCommand(command::apply);
  }

  private static Item.Changes changes(String title, String content, String status) {
    return new Item.Changes(title, content, status, false, null, null);
  }

  @Test
  void aNewItemIsADraftAtVersionOne() {
    Item.Created created = Item.created(id, "First", "Hello", null, null, null, List.of("b", "a", "b"), "req-1");
    assertEquals(id, created.itemId());
    assertEquals("First", created.title());
    assertEquals("draft", created.status());
    assertEquals(List.of("a", "b"), created.tags());
    assertEquals("req-1", created.requestId());
    Item.State state = Item.stateAfter(created);
    assertEquals(1, state.version());
    assertEquals(created.at(), state.createdAt());
    assertEquals(created.at(), state.updatedAt());
    assertNull(state.deletedAt());

    item.initialize(created);
    assertEquals(state, item.getState());
    var got = run(r -> new Item.Get(Actor.SYSTEM, r));
    assertEquals(state, ((Item.Accepted) got.reply()).state());
  }

  @Test
  void eventsCarryTheRequestIdOfTheirCommandAndTheStateIgnoresIt() {
    create("First", "Hello");
    var updated = run(reply -> new Item.Update(changes("Second", null, null), Actor.SYSTEM, null, "req-2", reply));
    assertEquals("req-2", updated.eventOfType(Item.Updated.class).requestId());
    var untraced = run(reply -> new Item.Update(changes("Third", null, null), Actor.SYSTEM, null, null, reply));
    assertNull(untraced.eventOfType(Item.Updated.class).requestId());
    assertEquals(((Item.Accepted) untraced.reply()).state(), item.getState());
  }

  @Test
  void anInvalidNewItemHasNoEvent() {
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "x".repeat(201), "Hello", null, null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "Title", null, null, null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "T", "c", "live", null, null, null, null));
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "T", "c", null, null, null, List.of(" "), null));
    assertEquals("published", Item.created(id, "T", "c", "published", null, null, null, null).status());
  }

  @Test
  void partialUpdateChangesOnlyTheFieldsSent() {
    create("First", "Hello");
    var result = run(reply -> new Item.Update(changes(null, "Changed", null), Actor.SYSTEM, null, null, reply));
    Item.Updated updated = result.eventOfType(Item.Updated.class);
    assertEquals("First", updated.title());
    assertEquals("Changed", updated.content());
    assertEquals(List.of("content"), updated.changedFields());
    assertEquals(2, result.state().version());
    assertEquals("First", result.state().title());
  }

  @Test
  void updateThatChangesNothingPersistsNothing() {
    create("First", "Hello");
    var result = run(reply -> new Item.Update(changes("First", null, null), Actor.SYSTEM, null, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(1, ((Item.Accepted) result.reply()).state().version());
  }

  @Test
  void staleExpectedVersionIsRejected() {
    create("First", "Hello");
    var result = run(reply -> new Item.Update(changes("New", null, null), Actor.SYSTEM, 7L, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Rejection.VERSION_MISMATCH, ((Reply.Rejected<?>) result.reply()).reason());
    var ok = run(reply -> new Item.Update(changes("New", null, null), Actor.SYSTEM, 1L, null, reply));
    assertEquals("New", ok.eventOfType(Item.Updated.class).title());
  }

  @Test
  void deleteThenUpdateIsRejectedUntilRestored() {
    create("First", "Hello");
    var deleted = run(reply -> new Item.Delete(Actor.SYSTEM, null, null, reply));
    Item.Deleted event = deleted.eventOfType(Item.Deleted.class);
    assertEquals(event.at(), deleted.state().deletedAt());

    var update = run(reply -> new Item.Update(changes("New", null, null), Actor.SYSTEM, null, null, reply));
    assertTrue(update.hasNoEvents());
    assertEquals(Rejection.DELETED, ((Reply.Rejected<?>) update.reply()).reason());
    var deleteAgain = run(reply -> new Item.Delete(Actor.SYSTEM, null, null, reply));
    assertEquals(Rejection.DELETED, ((Reply.Rejected<?>) deleteAgain.reply()).reason());

    var restored = run(reply -> new Item.Restore(Actor.SYSTEM, null, null, reply));
    assertInstanceOf(Item.Restored.class, restored.event());
    assertNull(restored.state().deletedAt());
    assertEquals(3, restored.state().version());
    var updateAfter = run(reply -> new Item.Update(changes("New", null, null), Actor.SYSTEM, null, null, reply));
    assertEquals("New", updateAfter.eventOfType(Item.Updated.class).title());
  }

  @Test
  void restoringALiveItemIsRejected() {
    create("First", "Hello");
    var result = run(reply -> new Item.Restore(Actor.SYSTEM, null, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Rejection.NOT_DELETED, ((Reply.Rejected<?>) result.reply()).reason());
  }

  @Test
  void commandsOnAMissingItemAreNotFound() {
    var result = run(reply -> new Item.Update(changes("x", null, null), Actor.SYSTEM, null, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Rejection.NOT_FOUND, ((Reply.Rejected<?>) result.reply()).reason());
  }

  @Test
  void stateSurvivesRestart() {
    create("First", "Hello");
    run(reply -> new Item.Update(changes(null, "Changed", "published"), Actor.SYSTEM, null, null, reply));
    var restarted = item.restart();
    assertEquals("Changed", restarted.state().content());
    assertEquals("published", restarted.state().status());
    assertEquals(2, restarted.state().version());
  }
}
