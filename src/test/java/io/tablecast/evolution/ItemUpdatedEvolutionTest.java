package io.tablecast.evolution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.ActorSystem;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tablecast.item.Item;
import io.tablecast.item.ItemUpdatedMigration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The one evolution so far: Item.Updated v2 renamed {@code changed} to {@code changedFields}. */
class ItemUpdatedEvolutionTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static ActorSystem system;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    system = Fixtures.serializationSystem();
    serialization = SerializationExtension.get(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void version1WithChangedAndVersion2WithChangedFieldsBothReadAsTheCurrentClass() throws Exception {
    Fixtures.Serialized v1 = Fixtures.read("item/Updated.v1");
    Fixtures.Serialized v2 = Fixtures.read("item/Updated.v2");
    assertEquals("io.tablecast.item.Item$Updated", v1.manifest(), "version 1 was written without a version in its manifest");
    assertEquals("io.tablecast.item.Item$Updated#2", v2.manifest());
    assertTrue(json(v1).has("changed") && !json(v1).has("changedFields"), "the v1 fixture keeps the old field name");
    assertTrue(json(v2).has("changedFields") && !json(v2).has("changed"));

    Item.Updated old = (Item.Updated) Fixtures.deserialize(serialization, v1);
    Item.Updated current = (Item.Updated) Fixtures.deserialize(serialization, v2);
    assertEquals(List.of("title"), old.changedFields(), "the migration carried the old field over");
    assertEquals(List.of("content", "status", "tags"), current.changedFields());
  }

  @Test
  void newEventsAreWrittenAsVersion2() throws Exception {
    Item.Updated event = (Item.Updated) EventSamples.ALL.get("item/Updated.v1");
    Fixtures.Serialized written = Fixtures.serialize(serialization, event);
    assertEquals("io.tablecast.item.Item$Updated#2", written.manifest());
    assertEquals(MAPPER.valueToTree(List.of("title")), json(written).get("changedFields"));
    assertFalse(json(written).has("changed"));
  }

  @Test
  void theMigrationRenamesOnlyOldVersionsAndKeepsEverythingElse() throws Exception {
    ItemUpdatedMigration migration = new ItemUpdatedMigration();
    assertEquals(2, migration.currentVersion());
    JsonNode old = MAPPER.readTree("{\"itemId\":\"x\",\"title\":\"t\",\"changed\":[\"title\"],\"at\":\"2026-01-05T09:11:00Z\"}");
    assertEquals(
        MAPPER.readTree("{\"itemId\":\"x\",\"title\":\"t\",\"changedFields\":[\"title\"],\"at\":\"2026-01-05T09:11:00Z\"}"),
        migration.transform(1, old.deepCopy()));
    JsonNode withoutChanged = MAPPER.readTree("{\"itemId\":\"x\"}");
    assertEquals(withoutChanged, migration.transform(1, withoutChanged.deepCopy()));
  }

  private static JsonNode json(Fixtures.Serialized serialized) throws Exception {
    return MAPPER.readTree(new String(serialized.payload(), StandardCharsets.UTF_8));
  }
}
