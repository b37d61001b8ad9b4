package io.tablecast.item;

import akka.serialization.jackson.JacksonMigration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@link Item.Updated} version 2 calls {@code changed} {@code changedFields}. Events written as
 * version 1 (manifest without {@code #2}) are upcast on reading by renaming the field; the journal
 * keeps them as they were written.
 */
public final class ItemUpdatedMigration extends JacksonMigration {
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode node && node.has("changed")) {
      node.set("changedFields", node.remove("changed"));
    }
    return json;
  }
}
