package io.tablecast.support;

import akka.persistence.query.Offset;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.db.Migrations;
import io.tablecast.projection.PooledJdbcSession;
import io.tablecast.projection.ReadProjection;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A projection's handler writing generations of its read tables in an embedded PostgreSQL, given
 * batches of events by hand: the projection against its real tables, without a node or a journal.
 */
public final class ReadTables implements AutoCloseable {
  private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
  private final EmbeddedPostgres postgres;
  public final DataSource db;
  private int schemas;

  private ReadTables(EmbeddedPostgres postgres) {
    this.postgres = postgres;
    this.db = postgres.getPostgresDatabase();
  }

  public static ReadTables start() throws IOException {
    return new ReadTables(EmbeddedPostgres.builder().start());
  }

  /** When a history's event happens: seconds after a fixed moment, so that rows can be written out in a test. */
  public static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A schema name this database has not used yet. */
  public synchronized String newSchema(String prefix) {
    return prefix + "_t" + ++schemas;
  }

  /** A new generation of the projection's tables in {@code schema}, and its handler. */
  public <E> Generation<E> generation(ReadProjection<E> projection, String schema) {
    Migrations.readTables(db, projection.name(), schema).migrate();
    return new Generation<>(projection.handlerForSchema().apply(schema));
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }

  public final class Generation<E> {
    private final JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> handler;

    private Generation(JdbcHandler<List<EventEnvelope<E>>, PooledJdbcSession> handler) {
      this.handler = handler;
    }

    /** Writes one batch in one transaction, as the projection does. */
    public void write(List<EventEnvelope<E>> batch) throws Exception {
      PooledJdbcSession session = new PooledJdbcSession(db);
      try {
        handler.process(session, batch);
        session.commit();
      } catch (Exception e) {
        session.rollback();
        throw e;
      } finally {
        session.close();
      }
    }

    /** Writes the events in batches of {@code size}. */
    public void write(List<EventEnvelope<E>> events, int size) throws Exception {
      for (int from = 0; from < events.size(); from += size) {
        write(events.subList(from, Math.min(from + size, events.size())));
      }
    }
  }

  /** Events in journal order, each with its entity's next sequence number (its row's version). */
  public static final class History<E> {
    private final String entityType;
    private final Function<E, UUID> entityOf;
    private final Map<UUID, Long> sequenceNumbers = new HashMap<>();
    private long ordering;

    public History(String entityType, Function<E, UUID> entityOf) {
      this.entityType = entityType;
      this.entityOf = entityOf;
    }

    /** The envelopes of these events, following the ones before. */
    @SafeVarargs
    public final List<EventEnvelope<E>> next(E... events) {
      List<EventEnvelope<E>> batch = new ArrayList<>();
      for (E event : events) {
        UUID entity = entityOf.apply(event);
        long sequenceNr = sequenceNumbers.merge(entity, 1L, Long::sum);
        ordering++;
        batch.add(EventEnvelope.create(Offset.sequence(ordering), entityType + "|" + entity, sequenceNr, event, 0L));
      }
      return batch;
    }
  }
}
