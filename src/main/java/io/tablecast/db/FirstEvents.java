package io.tablecast.db;

import akka.Done;
import akka.actor.AbstractActor;
import akka.actor.ActorRef;
import akka.actor.ExtendedActorSystem;
import akka.actor.Props;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.japi.Util;
import akka.persistence.AtomicWrite;
import akka.persistence.JournalProtocol;
import akka.persistence.Persistence;
import akka.persistence.PersistentEnvelope;
import akka.persistence.PersistentRepr;
import akka.persistence.journal.Tagged;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes the first event of a new aggregate to the journal without starting its entity: the
 * message an event-sourced entity sends its journal when it persists (sequence number 1, the event
 * wrapped with its tags, serialized by the journal as any event), to the same journal plugin. For
 * an aggregate whose id was just minted for it, so that no entity can be writing it: an entity
 * started later recovers the event like any other. Should the id have events after all, the
 * journal's primary key refuses sequence number 1, the write fails and nothing is overwritten.
 *
 * <p>Starting an entity only to persist one event is a large share of a create's cost under
 * Cluster Sharding: the shard's messages, the entity's set-up and recovery, and then its memory
 * until it is passivated.
 */
public final class FirstEvents implements Extension {
  private static final ExtensionId<FirstEvents> ID =
      new ExtensionId<>() {
        @Override
        public FirstEvents createExtension(ActorSystem<?> system) {
          return new FirstEvents(system);
        }
      };

  private final ActorRef journal;
  private final ActorRef replies;
  private final String writerUuid = UUID.randomUUID().toString();
  /** The writes the journal has not answered yet, by persistence id. */
  private final Map<String, CompletableFuture<Done>> pending = new ConcurrentHashMap<>();

  private FirstEvents(ActorSystem<?> system) {
    this.journal = Persistence.get(system.classicSystem()).journalFor("", ConfigFactory.empty()); // the entities' journal
    this.replies = ((ExtendedActorSystem) system.classicSystem())
        .systemActorOf(Props.create(Replies.class, () -> new Replies(pending)), "first-events");
  }

  public static FirstEvents get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * Completes once the event is in the journal. Fails with the journal's error if it refuses the
   * event or cannot write it, and with a {@link java.util.concurrent.TimeoutException} if it has
   * not answered within {@code timeout} (the event may still be written then, as with an entity
   * that does not answer an ask in time).
   */
  public CompletionStage<Done> write(String persistenceId, Object event, Set<String> tags, Duration timeout) {
    CompletableFuture<Done> written = new CompletableFuture<>();
    if (pending.putIfAbsent(persistenceId, written) != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("a first event of " + persistenceId + " is being written"));
    }
    PersistentRepr repr = PersistentRepr.apply(
        tags.isEmpty() ? event : new Tagged(event, tags), 1L, persistenceId, "", false, ActorRef.noSender(), writerUuid);
    journal.tell(
        new JournalProtocol.WriteMessages(Util.<PersistentEnvelope>immutableSingletonSeq(AtomicWrite.apply(repr)), replies, 0),
        replies);
    return written.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((done, failure) -> pending.remove(persistenceId, written));
  }

  /**
   * Takes the journal's answers. For each write it sends one about the batch, then one about each
   * event, which is the one that says whether that event was written.
   */
  private static final class Replies extends AbstractActor {
    private final Map<String, CompletableFuture<Done>> pending;

    Replies(Map<String, CompletableFuture<Done>> pending) {
      this.pending = pending;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(JournalProtocol.WriteMessageSuccess.class, m -> written(m.persistent()).complete(Done.getInstance()))
          .match(JournalProtocol.WriteMessageRejected.class, m -> written(m.message()).completeExceptionally(m.cause()))
          .match(JournalProtocol.WriteMessageFailure.class, m -> written(m.message()).completeExceptionally(m.cause()))
          .matchAny(m -> {}) // the batch's answer: the event's follows
          .build();
    }

    /** The write's future; a dummy one if it timed out before the answer came. */
    private CompletableFuture<Done> written(PersistentRepr repr) {
      CompletableFuture<Done> written = pending.get(repr.persistenceId());
      return written == null ? new CompletableFuture<>() : written;
    }
  }
}
