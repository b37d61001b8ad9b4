package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.support.AggregateTestKit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Item aggregate on its own: given commands, expect events, state and replies. */
class ItemTest extends AggregateTestKit {

  private final UUID id = UUID.randomUUID();
  private EventSourcedBehaviorTestKit<Item.Command, Item.Event, Item.State> item;

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

  // ---- who may see and change an item: decided by the aggregate ----

  private static final UUID OWNER = UUID.randomUUID();
  private static final Actor OWNER_ACTOR = new Actor(OWNER, false, false);
  private static final Actor STRANGER = new Actor(UUID.randomUUID(), false, false);
  private static final Actor EDITOR = new Actor(UUID.randomUUID(), true, false);

  private void createOwned(String status) {
    item.initialize(Item.created(id, "Mine", "Hello", status, null, OWNER, null, null));
  }

  private Rejection rejection(Reply<Item.State> reply) {
    return assertInstanceOf(Reply.Rejected.class, reply).reason();
  }

  @Test
  void aDraftIsNotFoundForAnybodyButItsOwnerAndCurators() {
    createOwned("draft");
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.Get(STRANGER, r)).reply()));
    var update = run(r -> new Item.Update(changes("Theirs", null, null), STRANGER, null, null, r));
    assertEquals(Rejection.NOT_FOUND, rejection(update.reply()));
    assertTrue(update.hasNoEvents());
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.Delete(STRANGER, null, null, r)).reply()));
    assertInstanceOf(Item.Accepted.class, run(r -> new Item.Get(OWNER_ACTOR, r)).reply());
    assertInstanceOf(Item.Accepted.class, run(r -> new Item.Get(EDITOR, r)).reply());
  }

  @Test
  void aPublishedItemIsSeenByAnybodyButChangedOnlyByItsOwnerAndCurators() {
    createOwned("published");
    assertInstanceOf(Item.Accepted.class, run(r -> new Item.Get(STRANGER, r)).reply());
    var update = run(r -> new Item.Update(changes("Theirs", null, null), STRANGER, null, null, r));
    assertEquals(Rejection.FORBIDDEN, rejection(update.reply()));
    assertTrue(update.hasNoEvents());
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new Item.Delete(STRANGER, null, null, r)).reply()));
    assertEquals("Owner's", run(r -> new Item.Update(changes("Owner's", null, null), OWNER_ACTOR, null, null, r))
        .eventOfType(Item.Updated.class).title());
    assertEquals("Editor's", run(r -> new Item.Update(changes("Editor's", null, null), EDITOR, null, null, r))
        .eventOfType(Item.Updated.class).title());
  }

  @Test
  void aDeletedItemIsNotFoundForOthersAndItsDeletionRecordsWhoDeletedIt() {
    createOwned("published");
    var deleted = run(r -> new Item.Delete(OWNER_ACTOR, null, null, r));
    assertEquals(OWNER, deleted.eventOfType(Item.Deleted.class).deletedBy());
    assertFalse(deleted.eventOfType(Item.Deleted.class).moderated(), "an owner deleting their item does not moderate it");
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.Get(STRANGER, r)).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.Restore(STRANGER, null, null, r)).reply()));
    assertInstanceOf(Item.Accepted.class, run(r -> new Item.Get(OWNER_ACTOR, r)).reply());
  }

  @Test
  void anOwnerRestoresWhatTheyDeletedButNotWhatAModeratorDeleted() {
    createOwned("published");
    run(r -> new Item.Delete(OWNER_ACTOR, null, null, r));
    run(r -> new Item.Restore(OWNER_ACTOR, null, null, r)).eventOfType(Item.Restored.class);

    var moderated = run(r -> new Item.Delete(EDITOR, null, null, r));
    assertEquals(EDITOR.userId(), moderated.eventOfType(Item.Deleted.class).deletedBy());
    assertTrue(moderated.eventOfType(Item.Deleted.class).moderated());
    assertEquals(EDITOR.userId(), moderated.state().moderatedBy());
    var byOwner = run(r -> new Item.Restore(OWNER_ACTOR, null, null, r));
    assertEquals(Rejection.FORBIDDEN, rejection(byOwner.reply()));
    assertTrue(byOwner.hasNoEvents());
    run(r -> new Item.Restore(EDITOR, null, null, r)).eventOfType(Item.Restored.class);
    assertNull(item.getState().moderatedBy(), "restored, the item is no longer under moderation");
  }

  @Test
  void anItemDeletedBeforeDeletionsRecordedWhoIsRestoredByItsOwner() {
    createOwned("published");
    item.initialize(Item.created(id, "Mine", "Hello", "published", null, OWNER, null, null),
        new Item.Deleted(id, java.time.Instant.now(), null, null, false, null));
    run(r -> new Item.Restore(OWNER_ACTOR, null, null, r)).eventOfType(Item.Restored.class);
  }

  @Test
  void contentIsBoundedForUpdatesAsForCreates() {
    createOwned("draft");
    String tooLong = "x".repeat(Item.MAX_CONTENT_LENGTH + 1);
    var update = run(r -> new Item.Update(changes(null, tooLong, null), OWNER_ACTOR, null, null, r));
    assertEquals(Rejection.INVALID, rejection(update.reply()));
    assertTrue(update.hasNoEvents());
    assertThrows(IllegalArgumentException.class, () -> Item.created(id, "T", tooLong, null, null, OWNER, null, null));
    assertEquals(Item.MAX_CONTENT_LENGTH,
        Item.created(id, "T", "x".repeat(Item.MAX_CONTENT_LENGTH), null, null, OWNER, null, null).content().length());
  }

  @Test
  void detachingACategoryTheItemDoesNotNameChangesNothing() {
    UUID category = UUID.randomUUID();
    item.initialize(Item.created(id, "Mine", "Hello", null, category, OWNER, null, null));
    var other = run(r -> new Item.DetachCategory(UUID.randomUUID(), null, r));
    assertTrue(other.hasNoEvents());
    var detached = run(r -> new Item.DetachCategory(category, "req-9", r));
    assertEquals(category, detached.eventOfType(Item.CategoryDetached.class).categoryId());
    assertNull(detached.state().categoryId());
    assertTrue(run(r -> new Item.DetachCategory(category, null, r)).hasNoEvents());
  }

  @Test
  void theLifecycleGoesDraftPublishedArchivedDraft() {
    createOwned("draft");
    var skip = run(r -> new Item.Update(changes(null, null, "archived"), OWNER_ACTOR, null, null, r));
    assertEquals(Rejection.INVALID_TRANSITION, rejection(skip.reply()));
    for (String next : List.of("published", "archived", "draft")) {
      assertEquals(next, run(r -> new Item.Update(changes(null, null, next), OWNER_ACTOR, null, null, r)).state().status());
    }
  }

  @Test
  void anEditorDeletingTheirOwnItemDoesNotModerateIt() {
    item.initialize(Item.created(id, "Mine", "Hello", "published", null, EDITOR.userId(), null, null));
    var deleted = run(r -> new Item.Delete(EDITOR, null, null, r));
    assertFalse(deleted.eventOfType(Item.Deleted.class).moderated());
    assertNull(deleted.state().moderatedBy());
  }

  @Test
  void contentIsCountedInCodePointsAsPostgresCountsThem() {
    String emoji = "\uD83D\uDE00".repeat(Item.MAX_CONTENT_LENGTH);
    assertEquals(List.of(), Item.validate(null, emoji, null));
    assertEquals("content", Item.validate(null, emoji + "x", null).get(0).field());
  }

  /** The maximum is a rule for new commands: events already in a journal replay, whatever their content. */
  @Test
  void eventsWithLongerContentFromBeforeTheMaximumStillReplay() {
    String older = "o".repeat(Item.MAX_CONTENT_LENGTH * 2);
    Item.Created created = new Item.Created(id, "Old", older, "draft", null, OWNER, List.of(), java.time.Instant.now(), null);
    Item.Updated updated = new Item.Updated(id, "Old", older + "!", "published", null, List.of(), List.of("content", "status"),
        created.at().plusSeconds(1), null);
    item.initialize(created, updated);
    assertEquals(older + "!", item.getState().content());
    assertEquals(older + "!", item.restart().state().content());
    var retitled = run(r -> new Item.Update(changes("New title", null, null), OWNER_ACTOR, null, null, r));
    assertEquals("New title", retitled.eventOfType(Item.Updated.class).title());
    assertEquals(older + "!", retitled.state().content());
  }

  // ---- an item follows its owner (OwnerCascade sends these) ----

  @Test
  void theOwnersDeletionDeletesALiveItemSayingWhyAndOnlyOnce() {
    createOwned("published");
    var deleted = run(r -> new Item.DeleteWithOwner(OWNER, "req-owner", r));
    Item.Deleted event = deleted.eventOfType(Item.Deleted.class);
    assertEquals(Item.DeletionReason.OWNER_DELETED, event.reason());
    assertNull(event.deletedBy(), "the service deleted it, not a user");
    assertFalse(event.moderated());
    assertEquals("req-owner", event.requestId());
    assertEquals(event.at(), deleted.state().deletedAt());
    assertEquals(Item.DeletionReason.OWNER_DELETED, deleted.state().deletionReason());
    assertEquals(2, deleted.state().version());

    var again = run(r -> new Item.DeleteWithOwner(OWNER, null, r));
    assertTrue(again.hasNoEvents(), "a cascade that runs again deletes nothing twice");
    assertEquals(deleted.state(), ((Item.Accepted) again.reply()).state());
    assertEquals(Item.DeletionReason.OWNER_DELETED, item.restart().state().deletionReason(), "recovered from the event");
  }

  @Test
  void theOwnersRestoreBringsBackWhatTheirDeletionDeletedAndOnlyOnce() {
    createOwned("published");
    run(r -> new Item.DeleteWithOwner(OWNER, null, r));
    var restored = run(r -> new Item.RestoreWithOwner(OWNER, "req-back", r));
    assertEquals("req-back", restored.eventOfType(Item.Restored.class).requestId());
    assertNull(restored.state().deletedAt());
    assertNull(restored.state().deletionReason());
    assertEquals(3, restored.state().version());
    assertTrue(run(r -> new Item.RestoreWithOwner(OWNER, null, r)).hasNoEvents(), "a live item is not restored");
    assertEquals("Again", run(r -> new Item.Update(changes("Again", null, null), OWNER_ACTOR, null, null, r))
        .eventOfType(Item.Updated.class).title());
  }

  @Test
  void anItemDeletedByHandBeforeStaysDeletedThroughItsOwnersDeletionAndRestore() {
    createOwned("published");
    run(r -> new Item.Delete(OWNER_ACTOR, null, null, r));
    var ownerDeleted = run(r -> new Item.DeleteWithOwner(OWNER, null, r));
    assertTrue(ownerDeleted.hasNoEvents());
    assertNull(ownerDeleted.state().deletionReason(), "its deletion stays the owner's own");
    assertTrue(run(r -> new Item.RestoreWithOwner(OWNER, null, r)).hasNoEvents());
    assertTrue(item.getState().deleted());
  }

  @Test
  void aModeratedItemStaysModeratedThroughItsOwnersDeletionAndRestore() {
    createOwned("published");
    run(r -> new Item.Delete(EDITOR, null, null, r));
    assertTrue(run(r -> new Item.DeleteWithOwner(OWNER, null, r)).hasNoEvents());
    assertTrue(run(r -> new Item.RestoreWithOwner(OWNER, null, r)).hasNoEvents());
    assertEquals(EDITOR.userId(), item.getState().moderatedBy());
  }

  @Test
  void anotherUsersDeletionOrRestoreChangesNothing() {
    createOwned("published");
    UUID other = UUID.randomUUID();
    assertTrue(run(r -> new Item.DeleteWithOwner(other, null, r)).hasNoEvents());
    assertFalse(item.getState().deleted());
    run(r -> new Item.DeleteWithOwner(OWNER, null, r));
    assertTrue(run(r -> new Item.RestoreWithOwner(other, null, r)).hasNoEvents());
    assertTrue(item.getState().deleted());
  }

  @Test
  void anItemDeletedWithItsOwnerIsNotRestoredByHand() {
    createOwned("published");
    run(r -> new Item.DeleteWithOwner(OWNER, null, r));
    var byEditor = run(r -> new Item.Restore(EDITOR, null, null, r));
    assertEquals(Rejection.DELETED, rejection(byEditor.reply()));
    assertTrue(byEditor.hasNoEvents());
    assertEquals(Rejection.DELETED, rejection(run(r -> new Item.Update(changes("x", null, null), EDITOR, null, null, r)).reply()));
    assertEquals(Rejection.DELETED, rejection(run(r -> new Item.Delete(EDITOR, null, null, r)).reply()));
  }

  @Test
  void aMissingItemDoesNotFollowAnOwner() {
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.DeleteWithOwner(OWNER, null, r)).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Item.RestoreWithOwner(OWNER, null, r)).reply()));
  }
}
