package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.ProcessingSuccess;
import akka.persistence.testkit.ReadSnapshot;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.SnapshotTestKit;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.db.NewAggregates;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The item entity as Cluster Sharding starts it ({@link Item#entity}): a Create as first command
 * recovers without reading the snapshot store and marks its id new for the journal, any other
 * first command recovers from the latest snapshot, and both end in the same state.
 */
class ItemRecoveryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static ActorTestKit testKit;
  private static Settings settings;
  private static SnapshotTestKit snapshots;
  /** Persistence ids whose snapshot the store was asked for. */
  private static final List<String> snapshotReads = new CopyOnWriteArrayList<>();

  private final UUID id = UUID.randomUUID();
  private final String persistenceId = "Item|" + id;

  @BeforeAll
  static void startTestKit() {
    var config = ConfigFactory.parseString("akka.actor.provider = local\ntablecast.aggregates.snapshot-every = 2")
        .withFallback(EventSourcedBehaviorTestKit.config())
        .withFallback(ConfigFactory.load());
    testKit = ActorTestKit.create(config);
    settings = Settings.from(config);
    snapshots = SnapshotTestKit.create(testKit.system());
    snapshots.withPolicy((persistenceId, operation) -> {
      if (operation instanceof ReadSnapshot) {
        snapshotReads.add(persistenceId);
      }
      return ProcessingSuccess.getInstance();
    });
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void forget() {
    snapshotReads.clear();
  }

  private Item.Reply ask(ActorRef<Item.Command> item, Function<ActorRef<Item.Reply>, Item.Command> command) {
    var probe = testKit.<Item.Reply>createTestProbe();
    item.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static Item.Command create(ActorRef<Item.Reply> replyTo) {
    return new Item.Create("First", "Hello", null, null, null, null, null, replyTo);
  }

  private static Item.Command retitle(String title, ActorRef<Item.Reply> replyTo) {
    return new Item.Update(new Item.Changes(title, null, null, false, null, null), null, null, replyTo);
  }

  /** Three events, with a snapshot at version 2; then the entity stops, as after passivation. */
  private void existingItem() {
    var first = testKit.spawn(Item.entity(id.toString(), settings));
    assertInstanceOf(Item.Accepted.class, ask(first, ItemRecoveryTest::create));
    assertInstanceOf(Item.Accepted.class, ask(first, r -> retitle("Second", r)));
    assertInstanceOf(Item.Accepted.class, ask(first, r -> retitle("Third", r)));
    var probe = testKit.createTestProbe();
    testKit.stop(first);
    probe.expectTerminated(first, TIMEOUT);
    NewAggregates.get(testKit.system()).claim(persistenceId); // as the JDBC journal would have
  }

  @Test
  void aNewItemStartedByCreateDoesNotReadTheSnapshotStore() {
    var item = testKit.spawn(Item.entity(id.toString(), settings));
    Item.Accepted created = assertInstanceOf(Item.Accepted.class, ask(item, ItemRecoveryTest::create));
    assertEquals(1, created.item().version());
    assertEquals(List.of(), snapshotReads);
    assertTrue(NewAggregates.get(testKit.system()).claim(persistenceId), "marked new for the journal");
  }

  /** This test kit's journal ignores marks; the JDBC journal refuses the write instead (NewAggregatesIT). */
  @Test
  void aCreateForAnItemWhoseEventsTheJournalReplaysIsRejected() {
    existingItem();
    snapshotReads.clear();
    var again = testKit.spawn(Item.entity(id.toString(), settings));
    Item.Rejected rejected = assertInstanceOf(Item.Rejected.class, ask(again, ItemRecoveryTest::create));
    assertEquals(Item.Rejection.ALREADY_EXISTS, rejected.reason());
    Item.Accepted state = assertInstanceOf(Item.Accepted.class, ask(again, Item.Get::new));
    assertEquals(3, state.item().version());
    assertEquals("Third", state.item().title());
    assertEquals(List.of(), snapshotReads);
  }

  @Test
  void anyOtherFirstCommandRecoversFromTheLatestSnapshot() {
    existingItem();
    snapshotReads.clear();
    var again = testKit.spawn(Item.entity(id.toString(), settings));
    Item.Accepted state = assertInstanceOf(Item.Accepted.class, ask(again, Item.Get::new));
    assertEquals(3, state.item().version());
    assertEquals("Third", state.item().title());
    assertEquals(List.of(persistenceId), snapshotReads);
    assertFalse(NewAggregates.get(testKit.system()).claim(persistenceId), "not marked new");
    Item.Accepted updated = assertInstanceOf(Item.Accepted.class, ask(again, r -> retitle("Fourth", r)));
    assertEquals(4, updated.item().version());
  }
}
