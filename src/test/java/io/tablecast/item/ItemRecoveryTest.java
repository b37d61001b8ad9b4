package io.tablecast.item;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.typed.ActorRef;
import akka.persistence.testkit.ProcessingSuccess;
import akka.persistence.testkit.ReadSnapshot;
import akka.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import akka.persistence.testkit.javadsl.PersistenceTestKit;
import akka.persistence.testkit.javadsl.SnapshotTestKit;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The item entity starts on an item's first command after its creation, whose event is in the
 * journal already (written without the entity, {@link io.tablecast.db.FirstEvents}): it recovers
 * that event, and later, after snapshots, from the latest snapshot and the events after it.
 */
class ItemRecoveryTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static ActorTestKit testKit;
  private static Settings settings;
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
    SnapshotTestKit.create(testKit.system()).withPolicy((persistenceId, operation) -> {
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

  private Reply<Item.State> ask(ActorRef<Item.Command> item, Function<ActorRef<Reply<Item.State>>, Item.Command> command) {
    var probe = testKit.<Reply<Item.State>>createTestProbe();
    item.tell(command.apply(probe.getRef()));
    return probe.receiveMessage(TIMEOUT);
  }

  private static Item.Command retitle(String title, ActorRef<Reply<Item.State>> replyTo) {
    return new Item.Update(new Item.Changes(title, null, null, false, null, null), Actor.SYSTEM, null, null, replyTo);
  }

  private void stop(ActorRef<Item.Command> item) {
    var probe = testKit.createTestProbe();
    testKit.stop(item);
    probe.expectTerminated(item, TIMEOUT);
  }

  @Test
  void anItemCreatedWithoutItsEntityIsRecoveredByItsFirstCommandThenFromItsLatestSnapshot() {
    PersistenceTestKit.create(testKit.system()).persistForRecovery(
        persistenceId, List.of(Item.created(id, "First", "Hello", null, null, null, null, null)));

    var first = testKit.spawn(Item.create(id.toString(), settings));
    Item.Accepted second = assertInstanceOf(Item.Accepted.class, ask(first, r -> retitle("Second", r)));
    assertEquals(2, second.state().version());
    assertEquals("Hello", second.state().content());
    assertInstanceOf(Item.Accepted.class, ask(first, r -> retitle("Third", r))); // a snapshot at version 2
    stop(first);

    snapshotReads.clear();
    var again = testKit.spawn(Item.create(id.toString(), settings));
    Item.Accepted state = assertInstanceOf(Item.Accepted.class, ask(again, r -> new Item.Get(Actor.SYSTEM, r)));
    assertEquals(3, state.state().version());
    assertEquals("Third", state.state().title());
    assertEquals(List.of(persistenceId), snapshotReads);
    Item.Accepted updated = assertInstanceOf(Item.Accepted.class, ask(again, r -> retitle("Fourth", r)));
    assertEquals(4, updated.state().version());
  }
}
