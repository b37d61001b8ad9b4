package io.tablecast.category;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.support.AggregateTestKit;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Category aggregate on its own: given commands, expect events, state and replies. */
class CategoryTest extends AggregateTestKit {

  private final UUID id = UUID.randomUUID();
  private EventSourcedBehaviorTestKit<Category.Command, Category.Event, Category.State> category;

  @BeforeEach
  void newCategory() {
    // Serialization of every command, event, reply and state is verified by the test kit.
    category = EventSourcedBehaviorTestKit.create(testKit.system(), Category.create(id.toString(), settings));
  }

  private CommandResultWithReply<Category.Command, Category.Event, Category.State, Reply<Category.State>> run(
      Function<ActorRef<Reply<Category.State>>, Category.Command> command) {
    return category.runCommand(command::apply);
  }

  private Category.State created(String name) {
    return run(r -> new Category.Create(name, "about " + name, "req-1", r)).state();
  }

  private static Rejection rejection(Reply<Category.State> reply) {
    return assertInstanceOf(Reply.Rejected.class, reply).reason();
  }

  @Test
  void createTrimsTheNameAndStartsAtVersionOne() {
    var result = run(r -> new Category.Create("  Books ", "Paper", "req-1", r));
    Category.Created event = result.eventOfType(Category.Created.class);
    assertEquals("Books", event.name());
    assertEquals("req-1", event.requestId());
    Category.State state = assertInstanceOf(Category.Accepted.class, result.reply()).state();
    assertEquals(1, state.version());
    assertEquals(event.at(), state.createdAt());
    assertTrue(state.active());
  }

  @Test
  void createWithoutANameOrWithTooLongFieldsIsInvalidAndPersistsNothing() {
    var noName = run(r -> new Category.Create(null, null, null, r));
    assertEquals(Rejection.INVALID, rejection(noName.reply()));
    assertTrue(noName.hasNoEvents());
    var longDescription = run(r -> new Category.Create("x", "d".repeat(Category.MAX_DESCRIPTION_LENGTH + 1), null, r));
    assertEquals(Rejection.INVALID, rejection(longDescription.reply()));
    var blank = run(r -> new Category.Create("  ", null, null, r));
    assertEquals(Rejection.INVALID, rejection(blank.reply()));
  }

  @Test
  void aSecondCreateIsRejected() {
    created("Books");
    var again = run(r -> new Category.Create("Other", null, null, r));
    assertEquals(Rejection.ALREADY_EXISTS, rejection(again.reply()));
    assertTrue(again.hasNoEvents());
  }

  @Test
  void commandsToACategoryThatDoesNotExistAreNotFound() {
    assertEquals(Rejection.NOT_FOUND, rejection(run(Category.Get::new).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Category.Delete(null, null, r)).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new Category.Restore(null, null, r)).reply()));
    var update = run(r -> new Category.Update(new Category.Changes("x", false, null), null, null, r));
    assertEquals(Rejection.NOT_FOUND, rejection(update.reply()));
    assertTrue(update.hasNoEvents());
  }

  @Test
  void updateChangesOnlyTheFieldsSentAndRecordsWhich() {
    created("Books");
    var rename = run(r -> new Category.Update(new Category.Changes(" Novels ", false, null), 1L, "req-2", r));
    Category.Updated event = rename.eventOfType(Category.Updated.class);
    assertEquals("Novels", event.name());
    assertEquals("about Books", event.description());
    assertEquals(List.of("name"), event.changed());
    assertEquals(2, rename.state().version());

    var clear = run(r -> new Category.Update(new Category.Changes(null, true, null), null, null, r));
    assertEquals(List.of("description"), clear.eventOfType(Category.Updated.class).changed());
    assertNull(clear.state().description());
    assertEquals("Novels", clear.state().name());
  }

  @Test
  void anUpdateThatChangesNothingPersistsNothing() {
    created("Books");
    var same = run(r -> new Category.Update(new Category.Changes("Books", true, "about Books"), null, null, r));
    assertTrue(same.hasNoEvents());
    assertEquals(1, assertInstanceOf(Category.Accepted.class, same.reply()).state().version());
  }

  @Test
  void aStaleVersionIsRejected() {
    created("Books");
    var stale = run(r -> new Category.Update(new Category.Changes("New", false, null), 7L, null, r));
    assertEquals(Rejection.VERSION_MISMATCH, rejection(stale.reply()));
    assertTrue(stale.hasNoEvents());
    assertEquals(Rejection.VERSION_MISMATCH, rejection(run(r -> new Category.Delete(2L, null, r)).reply()));
  }

  @Test
  void aDeletedCategoryRejectsChangesUntilRestored() {
    created("Books");
    var delete = run(r -> new Category.Delete(1L, "req-3", r));
    Category.Deleted deleted = delete.eventOfType(Category.Deleted.class);
    assertEquals("Books", deleted.name());
    assertTrue(delete.state().deleted());
    assertEquals(deleted.at(), delete.state().deletedAt());

    assertEquals(Rejection.DELETED,
        rejection(run(r -> new Category.Update(new Category.Changes("x", false, null), null, null, r)).reply()));
    assertEquals(Rejection.DELETED, rejection(run(r -> new Category.Delete(null, null, r)).reply()));
    assertEquals(Rejection.VERSION_MISMATCH, rejection(run(r -> new Category.Restore(1L, null, r)).reply()));

    var restore = run(r -> new Category.Restore(2L, null, r));
    restore.eventOfType(Category.Restored.class);
    assertTrue(restore.state().active());
    assertEquals(3, restore.state().version());
    assertEquals(Rejection.NOT_DELETED, rejection(run(r -> new Category.Restore(null, null, r)).reply()));
  }

  @Test
  void aCategoryHoldsItsNameCaseInsensitivelyWhileActive() {
    created("Books");
    assertTrue(category.<Category.Holds>runCommand(r -> new Category.StillHolds("BOOKS ", r)).reply().holds());
    assertFalse(category.<Category.Holds>runCommand(r -> new Category.StillHolds("Novels", r)).reply().holds());
    run(r -> new Category.Delete(null, null, r));
    assertFalse(category.<Category.Holds>runCommand(r -> new Category.StillHolds("Books", r)).reply().holds());
  }

  @Test
  void askingANeverCreatedCategoryWhetherItHoldsANameVoidsIt() {
    var asked = category.<Category.Holds>runCommand(r -> new Category.StillHolds("Books", r));
    assertFalse(asked.reply().holds());
    asked.eventOfType(Category.Voided.class);
    assertTrue(asked.state().voided());
    var create = run(r -> new Category.Create("Books", null, null, r));
    assertEquals(Rejection.NOT_FOUND, rejection(create.reply()));
    assertTrue(create.hasNoEvents());
    var askedAgain = category.<Category.Holds>runCommand(r -> new Category.StillHolds("Books", r));
    assertFalse(askedAgain.reply().holds());
    assertTrue(askedAgain.hasNoEvents());
  }

  @Test
  void theStateIsAFoldOfTheEvents() {
    created("Books");
    run(r -> new Category.Update(new Category.Changes("Novels", false, null), null, null, r));
    run(r -> new Category.Delete(null, null, r));
    Category.State live = category.getState();
    category.restart();
    assertEquals(live, category.getState());
  }
}
