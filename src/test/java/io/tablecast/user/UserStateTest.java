package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The user's credentials version, folded from the events that exist: it is the version of the last
 * event that took access away (a new password, a role removed, a deactivation, a deletion), and no
 * other event moves it.
 */
class UserStateTest {
  private static final UUID ID = UUID.randomUUID();
  private static final Instant AT = Instant.parse("2026-01-05T09:00:00Z");
  private static final String HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  private static final String NEW_HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdDI$aGFzaDI";

  private static User.Updated updated(String hash, String fullName, boolean active, List<String> roles, String changed) {
    return new User.Updated(ID, fullName, hash, active, roles, List.of(changed), AT, null);
  }

  @Test
  void onlyEventsThatTakeAccessAwayMoveTheCredentialsVersion() {
    User.State s = User.State.EMPTY.apply(new User.Registered(ID, "a@example.com", HASH, "Ada", List.of("user"), AT, null));
    assertEquals(0, s.credentialsVersion(), "registered");
    s = s.apply(updated(HASH, "Ada King", true, List.of("user"), "full_name"));
    assertEquals(0, s.credentialsVersion(), "a new name");
    s = s.apply(updated(HASH, "Ada King", true, List.of("editor", "user"), "roles"));
    assertEquals(0, s.credentialsVersion(), "a role given");
    s = s.apply(updated(NEW_HASH, "Ada King", true, List.of("editor", "user"), "password"));
    assertEquals(4, s.credentialsVersion(), "a new password");
    s = s.apply(updated(NEW_HASH, "Ada King", true, List.of("user"), "roles"));
    assertEquals(5, s.credentialsVersion(), "a role taken away");
    s = s.apply(updated(NEW_HASH, "Ada King", true, List.of("admin"), "roles"));
    assertEquals(6, s.credentialsVersion(), "a role swapped for another");
    s = s.apply(updated(NEW_HASH, "Ada King", false, List.of("admin"), "is_active"));
    assertEquals(7, s.credentialsVersion(), "deactivated");
    s = s.apply(updated(NEW_HASH, "Ada King", true, List.of("admin"), "is_active"));
    assertEquals(7, s.credentialsVersion(), "reactivated: tokens from before the deactivation stay void");
    s = s.apply(new User.Deleted(ID, AT, null));
    assertEquals(9, s.credentialsVersion(), "deleted");
    s = s.apply(new User.Restored(ID, AT, null));
    assertEquals(9, s.credentialsVersion(), "restored: tokens from before the deletion stay void");
    assertEquals(10, s.version());
  }
}
