package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The users projection's fold, without a database: given a user's events, expect its row and roles. */
class UserRowTest {
  private static final UUID ID = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d");
  private static final String EMAIL = "ada@example.com";
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static UserRow registered() {
    return UserRow.created(new User.Registered(ID, EMAIL, "hash", "Ada Lovelace", List.of("user"), T0, null), 1);
  }

  private static User.Updated updated(String fullName, boolean active, List<String> roles, List<String> changed, int second) {
    return new User.Updated(ID, fullName, "hash", active, roles, changed, at(second), null);
  }

  @Test
  void aRegisteredUsersRowIsActiveWithItsDisplayNameRolesTimesFromTheEventAndVersionFromTheSequenceNumber() {
    assertEquals(new UserRow(ID, EMAIL, "Ada Lovelace", true, T0, T0, null, 1, "Ada L.", List.of("user")), registered());
  }

  @Test
  void anUpdateReplacesNameDisplayNameAndActivityAndKeepsEmailCreationAndRoles() {
    UserRow row = registered().apply(updated("Augusta Ada King", false, List.of("user"), List.of("full_name", "is_active"), 5), 2);
    assertEquals(new UserRow(ID, EMAIL, "Augusta Ada King", false, T0, at(5), null, 2, "Augusta K.", List.of("user")), row);
  }

  @Test
  void anUpdateThatChangedTheRolesReplacesThem() {
    UserRow row = registered().apply(updated("Ada Lovelace", true, List.of("editor", "user"), List.of("roles"), 5), 2);
    assertEquals(List.of("editor", "user"), row.roles());
  }

  @Test
  void anUpdateThatDidNotChangeTheRolesKeepsTheRowsRoles() {
    UserRow row = registered().apply(updated("Ada Lovelace", true, List.of("admin"), List.of("full_name"), 5), 2);
    assertEquals(List.of("user"), row.roles());
  }

  @Test
  void anUpdateDerivesTheDisplayNameAgainEvenWhereTheRowHadNone() {
    UserRow projectedBeforeTheColumn = new UserRow(ID, EMAIL, "Ada Lovelace", true, T0, T0, null, 1, null, List.of("user"));
    UserRow row = projectedBeforeTheColumn.apply(updated("Ada Lovelace", true, List.of("user"), List.of("password"), 5), 2);
    assertEquals("Ada L.", row.displayName());
  }

  @Test
  void deleteAndRestoreSetAndClearDeletedAtAndKeepTheRestIncludingAMissingDisplayName() {
    UserRow before = new UserRow(ID, EMAIL, "Ada Lovelace", false, T0, T0, null, 1, null, List.of("editor"));
    UserRow deleted = before.apply(new User.Deleted(ID, at(7), null), 2);
    assertEquals(new UserRow(ID, EMAIL, "Ada Lovelace", false, T0, at(7), at(7), 2, null, List.of("editor")), deleted);
    UserRow restored = deleted.apply(new User.Restored(ID, at(9), null), 3);
    assertEquals(new UserRow(ID, EMAIL, "Ada Lovelace", false, T0, at(9), null, 3, null, List.of("editor")), restored);
  }

  @Test
  void anUpdateOfADeletedUserKeepsItDeleted() {
    UserRow deleted = registered().apply(new User.Deleted(ID, at(3), null), 2);
    UserRow row = deleted.apply(updated("Ada King", true, List.of("user"), List.of("full_name"), 4), 3);
    assertEquals(at(3), row.deletedAt());
    assertEquals(at(4), row.updatedAt());
  }

  @Test
  void aVoidedEventLeavesTheRowAsItIs() {
    UserRow row = registered();
    assertSame(row, row.apply(new User.Voided(ID, at(1), null), 2));
  }

  @Test
  void aSecondRegistrationIsAFault() {
    UserRow row = registered();
    User.Registered again = new User.Registered(ID, "other@example.com", "hash", "Other", List.of("user"), at(1), null);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> row.apply(again, 2));
    assertEquals("user " + ID + " is registered twice", e.getMessage());
  }

  @Test
  void aLiveUserHoldsItsEmailForTheUniqueIndexAndADeletedOneNone() {
    UserRow row = registered();
    assertEquals(EMAIL, row.liveEmail());
    UserRow deleted = row.apply(new User.Deleted(ID, at(1), null), 2);
    assertNull(deleted.liveEmail());
    assertEquals(EMAIL, deleted.apply(new User.Restored(ID, at(2), null), 3).liveEmail());
  }

  @Test
  void theSameEventsFoldIntoTheSameRow() {
    UserRow once = registered().apply(updated("A B", true, List.of("admin"), List.of("roles"), 1), 2)
        .apply(new User.Deleted(ID, at(2), null), 3);
    UserRow twice = registered().apply(updated("A B", true, List.of("admin"), List.of("roles"), 1), 2)
        .apply(new User.Deleted(ID, at(2), null), 3);
    assertEquals(once, twice);
  }
}
