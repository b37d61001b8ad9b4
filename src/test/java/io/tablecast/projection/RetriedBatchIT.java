package io.tablecast.projection;

import static io.tablecast.support.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import akka.NotUsed;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Props;
import akka.persistence.query.Offset;
import akka.persistence.query.Sequence;
import akka.projection.HandlerRecoveryStrategy;
import akka.projection.ProjectionBehavior;
import akka.projection.ProjectionId;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.javadsl.GroupedProjection;
import akka.projection.javadsl.SourceProvider;
import akka.projection.jdbc.javadsl.JdbcHandler;
import akka.projection.jdbc.javadsl.JdbcProjection;
import akka.stream.javadsl.Source;
import io.tablecast.support.TestNode;
import java.nio.file.Path;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transaction of a projection batch, as {@link ProjectionRunner} wires it (PooledJdbcSession of
 * the instance, EventLocatingHandler), run by the real akka-projection-jdbc with a source and a
 * handler the test controls: the handler keeps the last event's value of its instance in a row.
 */
class RetriedBatchIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Duration RETRY_DELAY = Duration.ofSeconds(2);

  @TempDir static Path dataDir;
  private static TestNode node;
  private static DataSource db;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir);
    db = node.node.database().dataSource();
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE public.last_value (instance text PRIMARY KEY, value bigint NOT NULL)");
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /**
   * akka-projection retries a failed batch on a timer that outlives its stream. The stream fails
   * (its source: the database went away) while a retry is pending, restarts from the committed
   * offset and commits events 1 and 2; then the old retry of event 1 runs. It must not put value 1
   * over value 2, nor move the offset back to 1 (seen once in DatabaseOutageIT: an item's read row
   * stayed a version behind the journal).
   */
  @Test
  void aRetryOfAnOldBatchThatRunsAfterTheRestartedStreamCommittedWritesNothing() throws Exception {
    ProjectionId id = ProjectionId.of("retried-batch", "old-retry");
    CompletableFuture<EventEnvelope<Long>> sourceFailure = new CompletableFuture<>();
    // The first materialization emits event 1, then fails when told; the restarted one follows the offset.
    Events events = new Events(List.of(1L, 2L), materialization -> materialization == 1 ? sourceFailure : null, true);
    LastValue.Calls calls = new LastValue.Calls(batch -> true);
    List<Long> transactionsBegun = run(id, events, calls);
    long failedAt = eventually(WITHIN, () -> calls.failedAt, at -> at != 0);
    sourceFailure.completeExceptionally(new IllegalStateException("test: the source fails while a retry is pending"));

    assertEquals(2L, eventually(WITHIN, () -> committed(id), o -> o == 2L), "the restarted stream commits 1 and 2");
    // The old retry's transaction begins RETRY_DELAY after the failure; the restarted stream's long before.
    long retryBegins = failedAt + RETRY_DELAY.toNanos() / 2;
    eventually(WITHIN, () -> transactionsBegun.stream().anyMatch(at -> at > retryBegins), begun -> begun);
    assertEquals(2L, lockedOffset(id), "the old retry leaves the offset where the restarted stream put it");
    assertEquals(2L, value(id), "the old retry writes nothing over the newer row");
  }

  /** A batch failing as a whole but not event by event: the events are written one by one and commit with the offset. */
  @Test
  void aBatchThatFailsWholeButNotEventByEventCommitsWithItsOffset() throws Exception {
    ProjectionId id = ProjectionId.of("retried-batch", "whole-batch");
    Events events = new Events(List.of(1L, 2L, 3L), materialization -> null, true);
    LastValue.Calls calls = new LastValue.Calls(batch -> batch.size() > 1);
    run(id, events, calls);

    assertEquals(3L, eventually(WITHIN, () -> committed(id), o -> o == 3L), "the offset commits with the batch");
    assertEquals(3L, value(id));
    assertEquals(List.of(List.of(1L, 2L, 3L), List.of(1L), List.of(2L), List.of(3L)), calls.batches,
        "one failed attempt at the whole batch, then one event at a time, without a second attempt from a restart");
  }

  /**
   * The restarted stream began from an offset read before an old retry committed event 1 (the
   * retry held the offset row; the stream waited for it): its batch 1, 2 is written as 2 alone.
   */
  @Test
  void aBatchPartlyBehindTheCommittedOffsetWritesOnlyTheEventsAfterIt() throws Exception {
    ProjectionId id = ProjectionId.of("retried-batch", "partly-behind");
    CompletableFuture<EventEnvelope<Long>> sourceFailure = new CompletableFuture<>();
    Events events = new Events(List.of(1L, 2L), materialization -> materialization == 1 ? sourceFailure : null, false);
    LastValue.Calls calls = new LastValue.Calls(batch -> false);
    run(id, events, calls);
    eventually(WITHIN, () -> committed(id), o -> o == 1L);
    sourceFailure.completeExceptionally(new IllegalStateException("test: the source fails after event 1 committed"));

    assertEquals(2L, eventually(WITHIN, () -> committed(id), o -> o == 2L));
    assertEquals(2L, value(id));
    assertEquals(List.of(List.of(1L), List.of(2L)), calls.batches, "event 1 is written once");
  }

  /** Starts the projection; returns when each of its transactions began (System.nanoTime), as they begin. */
  private static List<Long> run(ProjectionId id, Events events, LastValue.Calls calls) {
    ActorSystem<?> system = node.node.system();
    List<Long> transactionsBegun = new CopyOnWriteArrayList<>();
    Supplier<PooledJdbcSession> sessions = () -> {
      transactionsBegun.add(System.nanoTime());
      return PooledJdbcSession.ofInstance(db, id);
    };
    GroupedProjection<Offset, EventEnvelope<Long>> projection = JdbcProjection.groupedWithin(
            id, events, sessions::get,
            () -> new EventLocatingHandler<>(new LastValue(id, calls), batch -> {}), system)
        .withGroup(10, Duration.ofMillis(200))
        .withRecoveryStrategy(HandlerRecoveryStrategy.retryAndFail(3, RETRY_DELAY))
        .withRestartBackoff(Duration.ofMillis(200), Duration.ofMillis(200), 0.0);
    system.systemActorOf(ProjectionBehavior.create(projection), id.id(), Props.empty());
    return transactionsBegun;
  }

  /** The committed offset; 0 while there is none. */
  private static long committed(ProjectionId id) {
    try (Connection c = db.getConnection()) {
      return offset(c, id, "");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The committed offset once no transaction holds the instance's offset row (waits for one in flight). */
  private static long lockedOffset(ProjectionId id) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      long offset = offset(c, id, " FOR UPDATE");
      c.rollback();
      return offset;
    }
  }

  private static long offset(Connection c, ProjectionId id, String lock) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_offset FROM journal.akka_projection_offset_store"
        + " WHERE projection_name = ? AND projection_key = ?" + lock)) {
      ps.setString(1, id.name());
      ps.setString(2, id.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
      }
    }
  }

  private static long value(ProjectionId id) throws SQLException {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT value FROM public.last_value WHERE instance = ?")) {
      ps.setString(1, id.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Events whose value is their offset. {@code failure} names the materializations that fail after
   * their first event; {@code followOffset}: a materialization starts after the stored offset
   * (else from the first event, as a stream that read the offset before a later commit).
   */
  private static final class Events extends SourceProvider<Offset, EventEnvelope<Long>> {
    private final List<Long> values;
    private final IntFunction<CompletionStage<EventEnvelope<Long>>> failure;
    private final boolean followOffset;
    private final AtomicInteger materializations = new AtomicInteger();

    Events(List<Long> values, IntFunction<CompletionStage<EventEnvelope<Long>>> failure, boolean followOffset) {
      this.values = values;
      this.failure = failure;
      this.followOffset = followOffset;
    }

    @Override
    public CompletionStage<Source<EventEnvelope<Long>, NotUsed>> source(
        Supplier<CompletionStage<Optional<Offset>>> offset) {
      int materialization = materializations.incrementAndGet();
      CompletionStage<EventEnvelope<Long>> fails = failure.apply(materialization);
      return offset.get().thenApply(stored -> {
        long after = followOffset ? stored.map(o -> ((Sequence) o).value()).orElse(0L) : 0L;
        List<Long> toEmit = values.stream().filter(v -> v > after).limit(fails == null ? values.size() : 1).toList();
        Source<EventEnvelope<Long>, NotUsed> emitted = Source.from(toEmit).map(Events::envelope);
        return fails == null ? emitted.concat(Source.never()) : emitted.concat(Source.completionStage(fails));
      });
    }

    private static EventEnvelope<Long> envelope(long value) {
      return EventEnvelope.create(Offset.sequence(value), "Test|1", value, value, 0L);
    }

    @Override
    public Offset extractOffset(EventEnvelope<Long> envelope) {
      return envelope.offset();
    }

    @Override
    public long extractCreationTime(EventEnvelope<Long> envelope) {
      return envelope.timestamp();
    }
  }

  /** Writes the batch's last value as its instance's row; fails the batches {@code calls} says to. */
  private static final class LastValue extends JdbcHandler<List<EventEnvelope<Long>>, PooledJdbcSession> {
    static final class Calls {
      final List<List<Long>> batches = new CopyOnWriteArrayList<>();
      final AtomicInteger failures = new AtomicInteger();
      volatile long failedAt;
      private final Predicate<List<Long>> fail;

      Calls(Predicate<List<Long>> fail) {
        this.fail = fail;
      }

    }

    private final ProjectionId id;
    private final Calls calls;

    LastValue(ProjectionId id, Calls calls) {
      this.id = id;
      this.calls = calls;
    }

    @Override
    public void process(PooledJdbcSession session, List<EventEnvelope<Long>> envelopes) throws Exception {
      List<Long> batch = new ArrayList<>();
      envelopes.forEach(e -> batch.add(e.event()));
      boolean fail = calls.fail.test(batch) && calls.failures.get() == 0;
      calls.batches.add(batch);
      if (fail) {
        calls.failures.incrementAndGet();
        calls.failedAt = System.nanoTime();
        throw new IllegalStateException("test: the first attempt at " + batch + " fails");
      }
      session.withConnection(c -> {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO public.last_value (instance, value) VALUES (?, ?)"
            + " ON CONFLICT (instance) DO UPDATE SET value = excluded.value")) {
          ps.setString(1, id.key());
          ps.setLong(2, batch.get(batch.size() - 1));
          return ps.executeUpdate();
        }
      });
    }
  }
}
