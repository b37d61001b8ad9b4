package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import akka.actor.AbstractActor;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FirstEvents} against a journal that never answers: a write fails with a timeout and
 * leaves nothing pending, and a second write of an id whose first is still pending is refused.
 */
class FirstEventsTest {
  private static ActorTestKit testKit;

  /** A journal plugin that takes every write and answers none. */
  public static final class SilentJournal extends AbstractActor {
    static final Map<String, Integer> writes = new ConcurrentHashMap<>();

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessages.class,
              m -> writes.merge(((AtomicWrite) m.messages().head()).persistenceId(), 1, Integer::sum))
          .matchAny(m -> {})
          .build();
    }
  }

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create(ConfigFactory.parseString("""
        akka.actor.provider = local
        akka.persistence.journal.plugin = silent-journal
        silent-journal.class = "io.tablecast.db.FirstEventsTest$SilentJournal"
        """).withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static CompletableFuture<?> write(String persistenceId, Duration timeout) {
    return FirstEvents.get(testKit.system()).write(persistenceId, "event", Set.of("tag-0"), timeout).toCompletableFuture();
  }

  private static Throwable failure(CompletableFuture<?> future) {
    return assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS)).getCause();
  }

  @Test
  void aWriteTheJournalDoesNotAnswerTimesOutAndCanBeTriedAgain() {
    assertInstanceOf(TimeoutException.class, failure(write("Item|silent", Duration.ofMillis(200))));
    // Nothing is left pending: the same id can be written again (and times out again here).
    assertInstanceOf(TimeoutException.class, failure(write("Item|silent", Duration.ofMillis(200))));
    assertEquals(2, SilentJournal.writes.get("Item|silent"), "both writes reached the journal");
  }

  @Test
  void aSecondWriteOfAnIdWhoseFirstIsPendingIsRefused() {
    CompletableFuture<?> first = write("Item|pending", Duration.ofSeconds(2));
    assertInstanceOf(IllegalStateException.class, failure(write("Item|pending", Duration.ofSeconds(2))));
    assertInstanceOf(TimeoutException.class, failure(first));
    assertEquals(1, SilentJournal.writes.get("Item|pending"), "the refused write never reached the journal");
  }
}
