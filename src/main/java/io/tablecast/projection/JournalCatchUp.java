package io.tablecast.projection;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.DispatcherSelector;
import akka.actor.typed.javadsl.Adapter;
import akka.japi.Pair;
import akka.persistence.query.Offset;
import akka.persistence.query.Sequence;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.javadsl.SourceProvider;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.stream.OverflowStrategy;
import akka.stream.javadsl.Source;
import io.tablecast.Settings;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one tag for a projection instance. An instance far behind the journal (a rebuild,
 * a long pause) first reads what is already there in big pages straight from the journal tables
 * — the same rows, order and offsets eventsByTag would give, in a fraction of the work — and then
 * follows new events with eventsByTag from where the pages ended.
 *
 * <p>A page bounds both the tag's index and the journal's ordering, as eventsByTag's query does
 * ({@code db/TagRangeReadJournalDao}): each index scan starts at the page's offset.
 *
 * <p>The pages end at a journal position below which every write has committed: the journal's
 * highest position, once every transaction that was then writing to the journal has ended. Above
 * it, eventsByTag's own gap detection takes over, so no event is ever skipped.
 *
 * <p>When the instance has committed the last event of its pages ({@link #committed}),
 * {@code caughtUp} runs, off the stream: a live generation that just took a journal's worth of
 * rows is vacuumed and analyzed there, so its queries are planned with statistics at once rather
 * than after autovacuum's next round.
 */
final class JournalCatchUp<E> extends SourceProvider<Offset, EventEnvelope<E>> {
  private static final Logger log = LoggerFactory.getLogger(JournalCatchUp.class);
  private static final String PAGE =
      "SELECT e.ordering, e.persistence_id, e.sequence_number, e.write_timestamp, e.event_ser_id, e.event_ser_manifest,"
          + " e.event_payload FROM journal.event_journal e JOIN journal.event_tag t ON t.event_id = e.ordering"
          + " WHERE t.tag = ? AND t.event_id > ? AND t.event_id <= ? AND e.ordering > ? AND e.ordering <= ?"
          + " AND NOT e.deleted ORDER BY e.ordering LIMIT ?";

  /** The journal table's lock held by transactions that write to it (inserts take ROW EXCLUSIVE). */
  private static final String JOURNAL_WRITE_LOCK = " FROM pg_locks WHERE locktype = 'relation'"
      + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
      + " AND relation = 'journal.event_journal'::regclass AND mode = 'RowExclusiveLock'";
  private static final String WRITERS = "SELECT coalesce(array_agg(virtualtransaction), '{}')" + JOURNAL_WRITE_LOCK
      + " AND pid IS DISTINCT FROM pg_backend_pid()";
  private static final String STILL_WRITING =
      "SELECT EXISTS (SELECT 1" + JOURNAL_WRITE_LOCK + " AND virtualtransaction = ANY (?))";
  /** A journal write lasts milliseconds: ask again soon rather than sleep past its end. */
  private static final long WRITES_IN_FLIGHT_POLL_MS = 5;

  /** What follows a catch-up once its rows are committed (blocking, on the JDBC dispatcher). */
  interface CaughtUp {
    void run() throws SQLException;
  }

  private final SourceProvider<Offset, EventEnvelope<E>> follow;
  private final DataSource dataSource;
  private final String tag;
  private final String instance;
  private final Settings.CatchUp settings;
  private final Serialization serialization;
  private final Executor blocking;
  private final CaughtUp caughtUp;
  /** The journal position of the last event the latest catch-up's pages held; 0 once committed (or none). */
  private final AtomicLong pagedUpTo = new AtomicLong();

  JournalCatchUp(
      ActorSystem<?> system, ProjectionId id, SourceProvider<Offset, EventEnvelope<E>> follow, DataSource dataSource,
      Settings.CatchUp settings, CaughtUp caughtUp) {
    this.follow = follow;
    this.dataSource = dataSource;
    this.tag = id.key();
    this.instance = id.id();
    this.settings = settings;
    this.serialization = SerializationExtension.get(Adapter.toClassic(system));
    this.blocking = system.dispatchers().lookup(DispatcherSelector.fromConfig("akka.projection.jdbc.blocking-jdbc-dispatcher"));
    this.caughtUp = caughtUp;
  }

  @Override
  public CompletionStage<Source<EventEnvelope<E>, NotUsed>> source(
      Supplier<CompletionStage<Optional<Offset>>> offset) {
    pagedUpTo.set(0);
    return offset.get().thenCompose(stored -> {
      long from = stored.map(JournalCatchUp::ordering).orElse(0L);
      return CompletableFuture.supplyAsync(() -> catchUpEnd(from), blocking).thenCompose(end -> {
        if (end.isEmpty()) {
          return follow.source(() -> CompletableFuture.completedFuture(stored));
        }
        long until = end.get();
        log.info("{} is {} journal events behind: reading them in pages of {} before following", instance, until - from,
            settings.pageSize());
        AtomicLong lastPaged = new AtomicLong();
        Source<EventEnvelope<E>, NotUsed> pages =
            Source.unfoldAsync(from, after -> CompletableFuture.supplyAsync(() -> page(after, until, lastPaged), blocking))
                .buffer(1, OverflowStrategy.backpressure())
                .mapConcat(page -> page);
        Optional<Offset> resumeAt = Optional.of(Offset.sequence(until));
        return follow.source(() -> CompletableFuture.completedFuture(resumeAt)).thenApply(pages::concatLazy);
      });
    });
  }

  @Override
  public Offset extractOffset(EventEnvelope<E> envelope) {
    return follow.extractOffset(envelope);
  }

  @Override
  public long extractCreationTime(EventEnvelope<E> envelope) {
    return follow.extractCreationTime(envelope);
  }

  /** The journal position an eventsByTag offset stands for. */
  static long ordering(Offset offset) {
    if (offset instanceof Sequence sequence) {
      return sequence.value();
    }
    throw new IllegalStateException("eventsByTag offsets are sequences, not " + offset);
  }

  /**
   * Where the catch-up ends, when it is worth one: the journal's highest position once the writes
   * in flight have committed. Empty (eventsByTag alone) when the instance is close behind or a
   * write stays in flight too long.
   */
  private Optional<Long> catchUpEnd(long from) {
    try (Connection c = dataSource.getConnection()) {
      long end = highestOrdering(c);
      if (end - from <= settings.afterEvents()) {
        return Optional.empty();
      }
      if (!writesInFlightEnded(c, settings.lockTimeout())) {
        log.info("{}: no catch-up end within {} (a journal write is still in flight); following with eventsByTag",
            instance, settings.lockTimeout());
        return Optional.empty();
      }
      return Optional.of(end);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the journal's position", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the journal's writes in flight", e);
    }
  }

  /**
   * Waits until every transaction that holds the journal table's write lock now has ended (as
   * CREATE INDEX CONCURRENTLY waits for a table's writers); false if one outlasts {@code timeout}.
   *
   * <p>Called after reading the highest position: an insert takes the lock before it draws its
   * position from the journal's sequence, so a write that drew a lower position and has not
   * committed is among the holders. Waiting on the holders instead of taking a share lock on the
   * table does not queue behind VACUUM's lock, which a share lock conflicts with (an
   * anti-wraparound vacuum of the journal is not cancelled for it), and blocks no new writes.
   */
  private static boolean writesInFlightEnded(Connection c, Duration timeout) throws SQLException, InterruptedException {
    Array writers;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WRITERS)) {
      rs.next();
      writers = rs.getArray(1);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (PreparedStatement stillWriting = c.prepareStatement(STILL_WRITING)) {
      stillWriting.setArray(1, writers);
      while (true) {
        try (ResultSet rs = stillWriting.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            return true;
          }
        }
        if (System.nanoTime() >= deadline) {
          return false;
        }
        Thread.sleep(WRITES_IN_FLIGHT_POLL_MS);
      }
    } finally {
      writers.free();
    }
  }

  private static long highestOrdering(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT coalesce(max(ordering), 0) FROM journal.event_journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The next page after {@code after}, with the position it ends at; empty once at {@code until}.
   * {@code lastPaged}: the position of the last event paged so far.
   */
  private Optional<Pair<Long, List<EventEnvelope<E>>>> page(long after, long until, AtomicLong lastPaged) {
    if (after >= until) {
      pagedUpTo.set(lastPaged.get());
      return Optional.empty();
    }
    List<EventEnvelope<E>> events = new ArrayList<>(settings.pageSize());
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(PAGE)) {
      ps.setString(1, tag);
      ps.setLong(2, after);
      ps.setLong(3, until);
      ps.setLong(4, after);
      ps.setLong(5, until);
      ps.setInt(6, settings.pageSize());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(envelope(rs));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the journal after " + after + " for " + tag, e);
    }
    if (!events.isEmpty()) {
      lastPaged.set(ordering(events.get(events.size() - 1).offset()));
    }
    long end = events.size() < settings.pageSize() ? until : ordering(events.get(events.size() - 1).offset());
    return Optional.of(Pair.create(end, events));
  }

  /**
   * The instance committed up to {@code envelope}: once that covers its pages, {@code caughtUp}
   * runs. (The end of the pages is known before their last batch commits, the pages being read
   * ahead; were it not, the next commit would cover them.)
   */
  void committed(EventEnvelope<E> envelope) {
    long last = pagedUpTo.get();
    if (last > 0 && ordering(envelope.offset()) >= last && pagedUpTo.compareAndSet(last, 0)) {
      CompletableFuture.runAsync(() -> {
        try {
          caughtUp.run();
        } catch (SQLException | RuntimeException e) {
          log.warn("{}: what follows its catch-up failed: {}", instance, e.toString());
        }
      }, blocking);
    }
  }

  @SuppressWarnings("unchecked")
  private EventEnvelope<E> envelope(ResultSet rs) throws SQLException {
    long ordering = rs.getLong(1);
    String persistenceId = rs.getString(2);
    long sequenceNr = rs.getLong(3);
    E event = (E) serialization.deserialize(rs.getBytes(7), rs.getInt(5), rs.getString(6)).get();
    return EventEnvelope.create(Offset.sequence(ordering), persistenceId, sequenceNr, event, rs.getLong(4));
  }
}
