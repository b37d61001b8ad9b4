package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
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
  private final UUID owner = UUID.randomUUID();
  private final UUID moderator = UUID.randomUUID();
  private final UUID stranger = UUID.randomUUID();
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
    Item.Created created = Item.created(id, title, content, null, null, owner, null, null);
    item.initialize(created);
    return created;
  }

  private Item.Reply delete(UUID actor, boolean isModerator) {
    return run(reply -> new Item.Delete(null, actor, isModerator, null, reply)).reply();
  }

  private Item.Reply restore(UUID actor, boolean isModerator) {
    return run(reply -> new Item.Restore(null, actor, isModerator, null, reply)).reply();
  }

  private static Item.Rejection rejection(Item.Reply reply) {
    return reply instanceof Item.Rejected r ? r.reason() : null;
  }

  private CommandResultWithReply<Item.Command, Item.Event, Item.State, Item.Reply> run(
      java.util.function.Function<akka.actor.typed.ActorRef<Item.Reply>, Item.Command> command) {
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
    var got = run(Item.Get::new);
    assertEquals(state, ((Item.Accepted) got.reply()).item());
  }

  @Test
  void eventsCarryTheRequestIdOfTheirCommandAndTheStateIgnoresIt() {
    create("First", "Hello");
    var updated = run(reply -> new Item.Update(changes("Second", null, null), null, "req-2", reply));
    assertEquals("req-2", updated.eventOfType(Item.Updated.class).requestId());
    var untraced = run(reply -> new Item.Update(changes("Third", null, null), null, null, reply));
    assertNull(untraced.eventOfType(Item.Updated.class).requestId());
    assertEquals(((Item.Accepted) untraced.reply()).item(), item.getState());
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
    var result = run(reply -> new Item.Update(changes(null, "Changed", null), null, null, reply));
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
    var result = run(reply -> new Item.Update(changes("First", null, null), null, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(1, ((Item.Accepted) result.reply()).item().version());
  }

  @Test
  void staleExpectedVersionIsRejected() {
    create("First", "Hello");
    var result = run(reply -> new Item.Update(changes("New", null, null), 7L, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Item.Rejection.VERSION_MISMATCH, ((Item.Rejected) result.reply()).reason());
    var ok = run(reply -> new Item.Update(changes("New", null, null), 1L, null, reply));
    assertEquals("New", ok.eventOfType(Item.Updated.class).title());
  }

  @Test
  void deleteThenUpdateIsRejectedUntilRestored() {
    create("First", "Hello");
    var deleted = run(reply -> new Item.Delete(null, owner, false, null, reply));
    Item.Deleted event = deleted.eventOfType(Item.Deleted.class);
    assertEquals(event.at(), deleted.state().deletedAt());
    assertEquals(owner, event.deletedBy());
    assertFalse(event.moderated(), "the owner deleting their own item is no moderation");

    var update = run(reply -> new Item.Update(changes("New", null, null), null, null, reply));
    assertTrue(update.hasNoEvents());
    assertEquals(Item.Rejection.DELETED, ((Item.Rejected) update.reply()).reason());
    var deleteAgain = run(reply -> new Item.Delete(null, owner, false, null, reply));
    assertEquals(Item.Rejection.DELETED, ((Item.Rejected) deleteAgain.reply()).reason());

    var restored = run(reply -> new Item.Restore(null, owner, false, null, reply));
    assertInstanceOf(Item.Restored.class, restored.event());
    assertNull(restored.state().deletedAt());
    assertEquals(3, restored.state().version());
    var updateAfter = run(reply -> new Item.Update(changes("New", null, null), null, null, reply));
    assertEquals("New", updateAfter.eventOfType(Item.Updated.class).title());
  }

  @Test
  void restoringALiveItemIsRejected() {
    create("First", "Hello");
    var result = run(reply -> new Item.Restore(null, owner, false, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Item.Rejection.NOT_DELETED, ((Item.Rejected) result.reply()).reason());
  }

  @Test
  void commandsOnAMissingItemAreNotFound() {
    var result = run(reply -> new Item.Update(changes("x", null, null), null, null, reply));
    assertTrue(result.hasNoEvents());
    assertEquals(Item.Rejection.NOT_FOUND, ((Item.Rejected) result.reply()).reason());
  }

  @Test
  void stateSurvivesRestart() {
    create("First", "Hello");
    run(reply -> new Item.Update(changes(null, "Changed", "published"), null, null, reply));
    var restarted = item.restart();
    assertEquals("Changed", restarted.state().content());
    assertEquals("published", restarted.state().status());
    assertEquals(2, restarted.state().version());
  }

  // ---- moderation: who deleted an item decides who may restore it ----

  @Test
  void anItemAModeratorDeletedIsRestoredByAModeratorOnly() {
    create("First", "Hello");
    var deleted = run(reply -> new Item.Delete(null, moderator, true, null, reply));
    Item.Deleted event = deleted.eventOfType(Item.Deleted.class);
    assertEquals(moderator, event.deletedBy());
    assertTrue(event.moderated(), "an editor or admin deleting another user's item moderates it");
    assertEquals(moderator, deleted.state().moderatedBy());

    var byOwner = run(reply -> new Item.Restore(null, owner, false, null, reply));
    assertTrue(byOwner.hasNoEvents());
    assertEquals(Item.Rejection.FORBIDDEN, rejection(byOwner.reply()));
    assertTrue(((Item.Rejected) byOwner.reply()).message().contains("moderator"), byOwner.reply().toString());
    assertEquals(moderator, item.restart().state().moderatedBy(), "the moderation survives a restart");
    assertEquals(Item.Rejection.FORBIDDEN, rejection(restore(owner, false)));

    UUID anotherModerator = UUID.randomUUID();
    var restored = run(reply -> new Item.Restore(null, anotherModerator, true, null, reply));
    assertInstanceOf(Item.Restored.class, restored.event());
    assertNull(restored.state().moderatedBy(), "restored, the item is no longer under moderation");
    assertInstanceOf(Item.Accepted.class, delete(owner, false), "then its owner may delete it");
    assertInstanceOf(Item.Accepted.class, restore(owner, false), "and restore it");
  }

  @Test
  void anItemItsOwnerDeletedIsRestoredByItsOwnerOrAModerator() {
    create("First", "Hello");
    assertInstanceOf(Item.Accepted.class, delete(owner, true), "an editor deleting their own item");
    assertNull(item.getState().moderatedBy());
    assertInstanceOf(Item.Accepted.class, restore(owner, false), "is its owner, not a moderator");
    assertInstanceOf(Item.Accepted.class, delete(owner, false));
    assertInstanceOf(Item.Accepted.class, restore(moderator, true), "a moderator may restore any item");
  }

  @Test
  void onlyItsOwnerOrAModeratorMayDeleteOrRestoreAnItem() {
    create("First", "Hello");
    var byStranger = run(reply -> new Item.Delete(null, stranger, false, null, reply));
    assertTrue(byStranger.hasNoEvents());
    assertEquals(Item.Rejection.FORBIDDEN, rejection(byStranger.reply()));
    assertInstanceOf(Item.Accepted.class, delete(owner, false));
    var restoreByStranger = run(reply -> new Item.Restore(null, stranger, false, null, reply));
    assertTrue(restoreByStranger.hasNoEvents());
    assertEquals(Item.Rejection.FORBIDDEN, rejection(restoreByStranger.reply()));
  }

  /** Deletions written before they named who deleted read as the owner's own: the owner restores them, as before. */
  @Test
  void anOldDeletionWithoutItsDeleterIsTheOwnersToRestore() {
    Item.Created created = Item.created(id, "First", "Hello", null, null, owner, null, null);
    item.initialize(created, new Item.Deleted(id, created.at().plusSeconds(1), null, null, false));
    assertNull(item.getState().moderatedBy());
    var restored = run(reply -> new Item.Restore(null, owner, false, null, reply));
    assertInstanceOf(Item.Restored.class, restored.event());
  }

  // ---- the content's maximum: new commands only ----

  @Test
  void contentIsAtMostItsMaximumInCharacters() {
    String longest = "x".repeat(Item.MAX_CONTENT_LENGTH);
    assertEquals("x".repeat(Item.MAX_CONTENT_LENGTH), Item.created(id, "T", longest, null, null, owner, null, null).content());
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "T", longest + "x", null, null, owner, null, null));
    String emoji = "\uD83D\uDE00".repeat(Item.MAX_CONTENT_LENGTH);
    assertEquals(List.of(), Item.validate(null, emoji, null), "characters are code points, as PostgreSQL counts them");
    assertEquals("content", Item.validate(null, emoji + "x", null).get(0).field());

    create("First", "Hello");
    var tooLong = run(reply -> new Item.Update(changes(null, longest + "x", null), null, null, reply));
    assertTrue(tooLong.hasNoEvents());
    assertEquals(Item.Rejection.INVALID, rejection(tooLong.reply()));
    assertTrue(((Item.Rejected) tooLong.reply()).message().startsWith("content"), tooLong.reply().toString());
    var longestUpdate = run(reply -> new Item.Update(changes(null, longest, null), null, null, reply));
    assertEquals(longest, longestUpdate.eventOfType(Item.Updated.class).content());
  }

  /** The maximum is a rule for new commands: events already in a journal replay, whatever their content. */
  @Test
  void eventsWithLongerContentFromBeforeTheMaximumStillReplay() {
    String older = "o".repeat(Item.MAX_CONTENT_LENGTH * 2);
    Item.Created created = new Item.Created(id, "Old", older, "draft", null, owner, List.of(), java.time.Instant.now(), null);
    Item.Updated updated = new Item.Updated(id, "Old", older + "!", "published", null, List.of(), List.of("content", "status"),
        created.at().plusSeconds(1), null);
    item.initialize(created, updated);
    assertEquals(older + "!", item.getState().content());
    assertEquals(older + "!", item.restart().state().content());
    var retitled = run(reply -> new Item.Update(changes("New title", null, null), null, null, reply));
    assertEquals("New title", retitled.eventOfType(Item.Updated.class).title(), "a change that leaves the content is taken");
    assertEquals(older + "!", retitled.state().content());
  }
}
