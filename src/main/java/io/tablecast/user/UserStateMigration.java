package io.tablecast.user;

import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link User.State} version 2 adds {@code credentialsVersion}. A version 1 snapshot cannot tell
 * which of the events before it took access away, so it is read as if its last one did: tokens
 * issued before the snapshot no longer work (their users log in again), rather than tokens issued
 * before a password change working again. The journal's events are what they were; only the
 * snapshot is read this way, and the next snapshot is written as version 2.
 */
public final class UserStateMigration extends JacksonMigration {
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode node && !node.has("credentialsVersion")) {
      node.put("credentialsVersion", node.path("version").asLong());
    }
    return json;
  }
}
