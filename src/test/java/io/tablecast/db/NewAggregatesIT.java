package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.Props;
import akka.actor.typed.javadsl.Adapter;
import akka.persistence.JournalProtocol.RecoverySuccess;
import akka.persistence.JournalProtocol.ReplayMessages;
import akka.persistence.JournalProtocol.ReplayedMessage;
import akka.persistence.Persistence;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.item.Item;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new aggregate's recovery does not ask the database for its highest sequence number
 * ({@link NewAggregates}): the journal answers zero once for an id marked new, and the journal's
 * primary key still refuses a marked id that has events after all.
 */
class NewAggregatesIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static Api api;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of()));
    api = Users.admin(node.api);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String createItem(String title) {
    Api.Response created = api.post("/api/items", "{\"title\":\"" + title + "\",\"content\":\"x\"}");
    assertEquals(201, created.status(), created.toString());
    return created.json().get("id").asText();
  }

  /** What the journal tells a recovering entity: the events it replays, then the highest sequence number. */
  private static long recover(String persistenceId, int expectedReplays) {
    var system = node.node.system();
    TestProbe<Object> probe = TestProbe.create(system);
    akka.actor.ActorRef journal = Persistence.get(Adapter.toClassic(system)).journalFor("jdbc-journal", ConfigFactory.empty());
    journal.tell(new ReplayMessages(1, Long.MAX_VALUE, Long.MAX_VALUE, persistenceId, Adapter.toClassic(probe.getRef())),
        akka.actor.ActorRef.noSender());
    for (int i = 0; i < expectedReplays; i++) {
      assertInstanceOf(ReplayedMessage.class, probe.receiveMessage(TIMEOUT));
    }
    return assertInstanceOf(RecoverySuccess.class, probe.receiveMessage(TIMEOUT)).highestSequenceNr();
  }

  @Test
  void theJournalAnswersAMarkedIdsFirstRecoveryWithoutTheDatabase() {
    String persistenceId = "Item|" + createItem("marked");
    // Creating it through HTTP left no mark behind: the journal asks the database.
    assertEquals(1, recover(persistenceId, 1));

    NewAggregates.get(node.node.system()).mark(persistenceId);
    assertEquals(0, recover(persistenceId, 0), "a marked id is answered without the database");
    assertEquals(1, recover(persistenceId, 1), "the mark is gone after one recovery");
  }

  @Test
  void aCreateForAnIdWithEventsIsRefusedByTheJournalAndLosesNothing() throws Exception {
    String id = createItem("original");
    var system = node.node.system();
    // A second incarnation started by a Create (as Cluster Sharding would start it) marks the id
    // new, so it believes it has no events and writes sequence number 1 again.
    ActorRef<Item.Command> impostor =
        system.systemActorOf(Item.entity(id, Settings.from(system.settings().config())), "impostor-" + id, Props.empty());
    TestProbe<Item.Reply> probe = TestProbe.create(system);
    impostor.tell(new Item.Create("impostor", "y", null, null, null, null, null, probe.getRef()));
    probe.expectNoMessage(Duration.ofSeconds(2));

    // The journal's primary key refused the write; after its restart the incarnation recovers the original.
    impostor.tell(new Item.Get(probe.getRef()));
    Item.Accepted state = assertInstanceOf(Item.Accepted.class, probe.receiveMessage(TIMEOUT));
    assertEquals("original", state.item().title());
    assertEquals(1, state.item().version());
    assertEquals(1, Tables.count(node.node.database().dataSource(),
        "SELECT count(*) FROM journal.event_journal WHERE persistence_id = 'Item|" + id + "'"));
    assertEquals("original", api.get("/api/items/" + id).json().get("title").asText());
  }
}
