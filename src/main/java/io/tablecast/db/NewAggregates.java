package io.tablecast.db;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Persistence ids this node has just minted for new aggregates, so their recovery need not ask
 * the journal for a highest sequence number: a new aggregate has no events. Akka's journal
 * protocol asks that question of every recovering entity, even one whose recovery is disabled,
 * and for a create it is a database round trip that can only answer zero. An aggregate marks its
 * id as new before it recovers; the journal's first question about that id claims the mark and
 * answers zero, later questions (a restart, a later incarnation) go to the database. Should the
 * id have events after all, the write of sequence number 1 fails on the journal's primary key and
 * nothing is lost.
 */
public final class NewAggregates implements Extension {
  private static final ExtensionId<NewAggregates> ID =
      new ExtensionId<>() {
        @Override
        public NewAggregates createExtension(ActorSystem<?> system) {
          return new NewAggregates();
        }
      };

  private final Set<String> marked = ConcurrentHashMap.newKeySet();

  public static NewAggregates get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** This persistence id has no events: its next recovery need not ask the journal. */
  public void mark(String persistenceId) {
    marked.add(persistenceId);
  }

  /** Whether the id was marked new; the mark is gone afterwards. */
  public boolean claim(String persistenceId) {
    return marked.remove(persistenceId);
  }
}
