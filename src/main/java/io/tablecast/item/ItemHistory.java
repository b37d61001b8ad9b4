package io.tablecast.item;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.japi.Pair;
import akka.persistence.jdbc.query.javadsl.JdbcReadJournal;
import akka.persistence.query.EventEnvelope;
import akka.persistence.query.PersistenceQuery;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tablecast.FieldError;
import io.tablecast.Settings;
import io.tablecast.db.JournalManifests;
import io.tablecast.http.Blocking;
import io.tablecast.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/**
 * An item's events straight from the journal, a page at a time: the audit trail of
 * GET /api/items/{id}/history. Every event that changes an item carries all of its content, and an
 * item's events have no limit in number, so a page reads only its own range of the journal, a few
 * events at a time, and ends where its byte budget does.
 */
public final class ItemHistory {
  public record Entry(String type, long version, Instant timestamp, JsonNode payload) {}

  /**
   * {"data":[...],"limit":L,"next":"12"}: {@code next} is the version after which the following page
   * starts (give it back as {@code after}); null when the history has no more entries. A page may
   * hold fewer than {@code limit} entries and still have a next: it stopped at its byte budget, or
   * its reader may not see some of the versions it read.
   */
  public record Page(List<Entry> data, int limit, String next) {}

  /** {@code ?limit=} entries (events read) after version {@code ?after=} (0, the default: from the first). */
  public record Request(int limit, long after) {
    public static Request parse(Map<String, String> query, Settings.History settings, List<FieldError> errors) {
      long limit = number(query.get("limit"), settings.defaultLimit());
      if (limit < 1 || limit > settings.maxLimit()) {
        errors.add(new FieldError("limit", "must be an integer from 1 to " + settings.maxLimit()));
      }
      long after = number(query.get("after"), 0);
      if (after < 0) {
        errors.add(new FieldError("after", "must be a version (0 or more): the next of an earlier page"));
      }
      return new Request((int) Math.max(1, Math.min(limit, settings.maxLimit())), after);
    }

    /** The parameter's value; its default when absent; -1 when it is not an integer. */
    private static long number(String text, long absent) {
      if (text == null) {
        return absent;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  /**
   * Who reads: the item's owner, editors and admins see every version ({@code everyVersion});
   * editors and admins ({@code staff}) also see who deleted an item.
   */
  public record Reader(boolean everyVersion, boolean staff) {}

  /** An item's status and whether it is deleted, as an event leaves them: whether every user sees the item. */
  record Standing(String status, boolean deleted) {
    static final Standing NONE = new Standing(null, false);

    Standing after(Item.Event event) {
      if (event instanceof Item.Created e) {
        return new Standing(e.status(), false);
      } else if (event instanceof Item.Updated e) {
        return new Standing(e.status(), false);
      } else if (event instanceof Item.Deleted) {
        return new Standing(status, true);
      } else if (event instanceof Item.Restored) {
        return new Standing(status, false);
      }
      return this;
    }

    boolean visibleToAll() {
      return Item.visibleToAll(status, deleted);
    }
  }

  private final ActorSystem<?> system;
  private final Settings.History settings;
  private final JdbcReadJournal journal;
  private final JournalManifests manifests;
  private final Blocking blocking;

  public ItemHistory(ActorSystem<?> system, Settings.History settings, DataSource dataSource) {
    this.system = system;
    this.settings = settings;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    this.manifests = new JournalManifests(dataSource);
    this.blocking = new Blocking(system);
  }

  /** The page of the history of an item now at version {@code latest}. */
  public CompletionStage<Page> page(UUID itemId, long latest, Request request, Reader reader) {
    if (request.after() >= latest) {
      return CompletableFuture.completedFuture(new Page(List.of(), request.limit(), null));
    }
    long from = request.after() + 1;
    long to = Math.min(latest, request.after() + request.limit());
    String persistenceId = Item.persistenceIdOf(itemId.toString()).id();
    CompletionStage<Standing> before = reader.everyVersion() || request.after() == 0
        ? CompletableFuture.completedFuture(Standing.NONE)
        : standingAt(persistenceId, request.after());
    return before.thenCompose(standing -> {
      PageBuilder page = new PageBuilder(standing, reader, settings.maxPageBytes());
      return events(persistenceId, from, to)
          .takeWhile(page::offer)
          .runWith(Sink.ignore(), system)
          .thenApply(done -> page.build(request.limit(), to, latest));
    });
  }

  /** The events from {@code from} to {@code to}, read {@code read-batch} at a time: a page holds no more of them at once. */
  private Source<EventEnvelope, NotUsed> events(String persistenceId, long from, long to) {
    int batch = settings.readBatch();
    return Source.unfold(from, start -> start > to ? Optional.empty() : Optional.of(Pair.create(start + batch, start)))
        .flatMapConcat(start -> journal.currentEventsByPersistenceId(persistenceId, start, Math.min(start + batch - 1, to)));
  }

  /**
   * The item's standing after version {@code version}, without reading the events before it: its
   * status from the last event that carries one (Created or Updated), and whether a deletion came
   * after that and after the last restore.
   */
  private CompletionStage<Standing> standingAt(String persistenceId, long version) {
    return blocking.run(() -> manifests.lastOfEachClass(persistenceId, version)).thenCompose(last -> {
      long withStatus = Math.max(last(last, Item.Created.class), last(last, Item.Updated.class));
      boolean deleted = last(last, Item.Deleted.class) > Math.max(withStatus, last(last, Item.Restored.class));
      if (withStatus == 0) {
        return CompletableFuture.completedFuture(Standing.NONE);
      }
      return journal.currentEventsByPersistenceId(persistenceId, withStatus, withStatus)
          .runWith(Sink.head(), system)
          .thenApply(envelope -> new Standing(Standing.NONE.after((Item.Event) envelope.event()).status(), deleted));
    });
  }

  private static long last(Map<String, Long> last, Class<? extends Item.Event> type) {
    return last.getOrDefault(type.getName(), 0L);
  }

  /** The entries of one page as its events arrive, in order; the reader's rules decide which it shows. */
  private static final class PageBuilder {
    private final Reader reader;
    private final long maxBytes;
    private final List<Entry> entries = new ArrayList<>();
    private Standing standing;
    private long bytes;
    private long lastRead;
    private boolean full;

    PageBuilder(Standing standing, Reader reader, long maxBytes) {
      this.standing = standing;
      this.reader = reader;
      this.maxBytes = maxBytes;
    }

    /** Takes the next event; false when its entry does not fit in the page (the next page starts with it). */
    boolean offer(EventEnvelope envelope) {
      Item.Event event = (Item.Event) envelope.event();
      standing = standing.after(event);
      if (reader.everyVersion() || standing.visibleToAll()) {
        Entry entry = entry(event, envelope.sequenceNr(), reader);
        long size = jsonBytes(entry) + 1; // and its comma
        if (!entries.isEmpty() && bytes + size > maxBytes) {
          full = true;
          return false;
        }
        entries.add(entry);
        bytes += size;
      }
      lastRead = envelope.sequenceNr();
      return true;
    }

    /** The page; it ends at {@code to} unless it filled up before. */
    Page build(int limit, long to, long latest) {
      long end = full ? lastRead : to;
      return new Page(entries, limit, end < latest ? Long.toString(end) : null);
    }
  }

  private static Entry entry(Item.Event event, long version, Reader reader) {
    ObjectNode payload = Json.MAPPER.valueToTree(event);
    payload.remove("request_id"); // for the logs only, not part of the API
    if (!reader.staff()) {
      payload.remove("deleted_by"); // which moderator deleted an item is for editors and admins to know
    }
    return new Entry(event.getClass().getSimpleName(), version, event.at(), payload);
  }

  /** How many bytes of JSON the value is, counted as it is written rather than kept. */
  private static long jsonBytes(Object value) {
    long[] count = {0};
    OutputStream counter = new OutputStream() {
      @Override
      public void write(int b) {
        count[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        count[0] += len;
      }
    };
    try {
      Json.MAPPER.writeValue(counter, value);
    } catch (IOException e) {
      throw new UncheckedIOException("an entry of the history is always writable", e);
    }
    return count[0];
  }
}
