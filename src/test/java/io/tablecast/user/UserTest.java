package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.ActorRef;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import io.tablecast.support.AggregateTestKit;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The User aggregate on its own: given commands from someone, expect events, state and replies. */
class UserTest extends AggregateTestKit {

  private final UUID id = UUID.randomUUID();
  private final Actor self = new Actor(id, false, false);
  private final Actor other = new Actor(UUID.randomUUID(), false, false);
  private final Actor editor = new Actor(UUID.randomUUID(), true, false);
  private final Actor admin = new Actor(UUID.randomUUID(), false, true);
  private EventSourcedBehaviorTestKit<User.Command, User.Event, User.State> user;

  @BeforeEach
  void newUser() {
    user = EventSourcedBehaviorTestKit.create(testKit.system(), User.create(id.toString(), settings));
  }

  private CommandResultWithReply<User.Command, User.Event, User.State, Reply<User.State>> run(
      Function<ActorRef<Reply<User.State>>, User.Command> command) {
    return user.runCommand(command::apply);
  }

  private void registered() {
    run(r -> new User.Register("ada@example.com", "hash-1", "Ada", List.of("user"), "req-1", r));
  }

  private static Rejection rejection(Reply<User.State> reply) {
    return assertInstanceOf(Reply.Rejected.class, reply).reason();
  }

  private static User.Changes changes(String fullName, String hash, Boolean active, List<String> roles) {
    return new User.Changes(fullName, hash, active, roles);
  }

  @Test
  void aRegisteredUserIsActiveAtVersionOneWithCanonicalRoles() {
    var result = run(r -> new User.Register("ada@example.com", "hash-1", "Ada", List.of("user", "admin", "user"), "req-1", r));
    User.Registered event = result.eventOfType(User.Registered.class);
    assertEquals(List.of("admin", "user"), event.roles());
    assertEquals("req-1", event.requestId());
    User.State state = result.state();
    assertTrue(state.canAct());
    assertEquals(1, state.version());
    assertEquals("hash-1", state.passwordHash());
  }

  @Test
  void anInvalidRegistrationPersistsNothing() {
    var result = run(r -> new User.Register("not-an-email", "hash", "Ada", List.of("user"), null, r));
    assertEquals(Rejection.INVALID, rejection(result.reply()));
    assertTrue(result.hasNoEvents());
    assertEquals(Rejection.INVALID, rejection(run(r -> new User.Register("a@b.co", "hash", "Ada", List.of("boss"), null, r)).reply()));
    assertEquals(Rejection.INVALID, rejection(run(r -> new User.Register("a@b.co", null, "Ada", List.of("user"), null, r)).reply()));
    registered();
    assertEquals(Rejection.ALREADY_EXISTS,
        rejection(run(r -> new User.Register("b@example.com", "h", "B", List.of("user"), null, r)).reply()));
  }

  @Test
  void aUserReadsAndChangesTheirOwnAccountAndNobodyElsesButAnAdminDoes() {
    registered();
    assertInstanceOf(User.Accepted.class, run(r -> new User.Get(self, r)).reply());
    assertInstanceOf(User.Accepted.class, run(r -> new User.Get(admin, r)).reply());
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Get(other, r)).reply()));
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Get(editor, r)).reply()));
    var byOther = run(r -> new User.Update(changes("Eve", null, null, null), other, null, null, r));
    assertEquals(Rejection.FORBIDDEN, rejection(byOther.reply()));
    assertTrue(byOther.hasNoEvents());
    assertEquals("Ada L.", run(r -> new User.Update(changes("Ada L.", null, null, null), self, 1L, null, r))
        .eventOfType(User.Updated.class).fullName());
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Delete(other, null, null, r)).reply()));
  }

  @Test
  void onlyAnAdminChangesActivityAndRoles() {
    registered();
    var ownRoles = run(r -> new User.Update(changes(null, null, null, List.of("admin")), self, null, null, r));
    assertEquals(Rejection.FORBIDDEN, rejection(ownRoles.reply()));
    assertTrue(ownRoles.hasNoEvents());
    assertEquals(Rejection.FORBIDDEN,
        rejection(run(r -> new User.Update(changes(null, null, false, null), self, null, null, r)).reply()));
    var byAdmin = run(r -> new User.Update(changes(null, null, false, List.of("editor", "user")), admin, null, null, r));
    User.Updated updated = byAdmin.eventOfType(User.Updated.class);
    assertEquals(List.of("is_active", "roles"), updated.changed());
    assertFalse(byAdmin.state().canAct());
  }

  @Test
  void whatTakesAccessAwayMovesTheCredentialsVersion() {
    registered();
    assertEquals(0, user.getState().credentialsVersion());
    run(r -> new User.Update(changes(null, null, null, List.of("user", "editor")), admin, null, null, r));
    assertEquals(0, user.getState().credentialsVersion());
    run(r -> new User.Update(changes(null, "hash-2", null, null), self, null, null, r));
    assertEquals(3, user.getState().credentialsVersion());
    run(r -> new User.Update(changes(null, null, null, List.of("user")), admin, null, null, r));
    assertEquals(4, user.getState().credentialsVersion());
  }

  @Test
  void aStaleVersionChangesNothing() {
    registered();
    var stale = run(r -> new User.Update(changes("X", null, null, null), self, 5L, null, r));
    assertEquals(Rejection.VERSION_MISMATCH, rejection(stale.reply()));
    assertTrue(stale.hasNoEvents());
    var same = run(r -> new User.Update(changes("Ada", null, null, null), self, null, null, r));
    assertTrue(same.hasNoEvents());
  }

  @Test
  void aDeletedUserIsRestoredByAnAdminOnly() {
    registered();
    run(r -> new User.Delete(self, 1L, null, r)).eventOfType(User.Deleted.class);
    assertFalse(user.getState().canAct());
    assertEquals(Rejection.DELETED, rejection(run(r -> new User.Update(changes("X", null, null, null), self, null, null, r)).reply()));
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Restore(self, null, null, r)).reply()));
    assertEquals(Rejection.VERSION_MISMATCH, rejection(run(r -> new User.Restore(admin, 1L, null, r)).reply()));
    run(r -> new User.Restore(admin, 2L, null, r)).eventOfType(User.Restored.class);
    assertTrue(user.getState().canAct());
    assertEquals(Rejection.NOT_DELETED, rejection(run(r -> new User.Restore(admin, null, null, r)).reply()));
  }

  @Test
  void commandsToAUserThatDoesNotExistAreForbiddenToOthersAndNotFoundForTheAllowed() {
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Get(other, r)).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new User.Get(admin, r)).reply()));
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Restore(self, null, null, r)).reply()));
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new User.Delete(self, null, null, r)).reply()));
  }

  @Test
  void aUserHoldsItsEmailUntilDeletedAndANeverRegisteredOneIsVoided() {
    var asked = user.<User.Holds>runCommand(r -> new User.StillHolds("ada@example.com", r));
    assertFalse(asked.reply().holds());
    asked.eventOfType(User.Voided.class);
    assertEquals(Rejection.ALREADY_EXISTS,
        rejection(run(r -> new User.Register("ada@example.com", "h", "Ada", List.of("user"), null, r)).reply()));

    var other = EventSourcedBehaviorTestKit.<User.Command, User.Event, User.State>create(
        testKit.system(), User.create(UUID.randomUUID().toString(), settings));
    other.<Reply<User.State>>runCommand(r -> new User.Register("bo@example.com", "h", "Bo", List.of("user"), null, r));
    assertTrue(other.<User.Holds>runCommand(r -> new User.StillHolds("bo@example.com", r)).reply().holds());
    assertFalse(other.<User.Holds>runCommand(r -> new User.StillHolds("al@example.com", r)).reply().holds());
  }

  @Test
  void aVoidedUserCanNeverRegisterNorBeAskedAnythingElse() {
    user.<User.Holds>runCommand(r -> new User.StillHolds("ada@example.com", r));
    assertFalse(user.<User.Holds>runCommand(r -> new User.StillHolds("ada@example.com", r)).reply().holds());
    assertEquals(Rejection.NOT_FOUND, rejection(run(r -> new User.Get(admin, r)).reply()));
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Get(other, r)).reply()));
  }

  @Test
  void aDeletedUserRejectsChangesFromWhoMayMakeThemAndForbidsOthers() {
    registered();
    run(r -> new User.Delete(admin, null, null, r));
    assertEquals(Rejection.DELETED, rejection(run(r -> new User.Delete(self, null, null, r)).reply()));
    assertEquals(Rejection.FORBIDDEN, rejection(run(r -> new User.Delete(other, null, null, r)).reply()));
    assertEquals(Rejection.FORBIDDEN,
        rejection(run(r -> new User.Update(changes("X", null, null, null), other, null, null, r)).reply()));
    assertEquals(Rejection.DELETED,
        rejection(run(r -> new User.Update(changes("X", null, null, null), admin, null, null, r)).reply()));
  }

  @Test
  void anUpdateThatBreaksARuleIsInvalidAndPersistsNothing() {
    registered();
    var blank = run(r -> new User.Update(changes(" ", null, null, null), self, null, null, r));
    assertEquals(Rejection.INVALID, rejection(blank.reply()));
    assertTrue(blank.hasNoEvents());
    var badRole = run(r -> new User.Update(changes(null, null, null, List.of("boss")), admin, null, null, r));
    assertEquals(Rejection.INVALID, rejection(badRole.reply()));
    assertEquals(Rejection.FORBIDDEN,
        rejection(run(r -> new User.Update(changes(null, null, null, List.of("admin")), self, null, null, r)).reply()));
  }

  @Test
  void emailsAreTrimmedLowerCasedAndChecked() {
    assertEquals("ada@example.com", User.normalizeEmail("  Ada@Example.COM "));
    assertEquals(null, User.normalizeEmail(null));
    assertEquals(List.of(), User.validateEmail("ada@example.com"));
    assertEquals("email", User.validateEmail(null).get(0).field());
    assertEquals("email", User.validateEmail("no-at-sign").get(0).field());
    assertEquals("email", User.validateEmail("a".repeat(User.MAX_EMAIL_LENGTH) + "@example.com").get(0).field());
  }

  @Test
  void passwordsAndNamesHaveTheirBounds() {
    assertEquals("password", User.validatePassword(null).get(0).field());
    assertEquals("password", User.validatePassword("x".repeat(User.MIN_PASSWORD_LENGTH - 1)).get(0).field());
    assertEquals(List.of(), User.validatePassword("x".repeat(User.MIN_PASSWORD_LENGTH)));
    assertEquals(List.of(), User.validatePassword("x".repeat(User.MAX_PASSWORD_LENGTH)));
    assertEquals("password", User.validatePassword("x".repeat(User.MAX_PASSWORD_LENGTH + 1)).get(0).field());
    assertEquals(List.of(), User.validateFullName(null));
    assertEquals(List.of(), User.validateFullName("x".repeat(User.MAX_NAME_LENGTH)));
    assertEquals("full_name", User.validateFullName("x".repeat(User.MAX_NAME_LENGTH + 1)).get(0).field());
    assertEquals("full_name", User.validateFullName("  ").get(0).field());
  }
}
