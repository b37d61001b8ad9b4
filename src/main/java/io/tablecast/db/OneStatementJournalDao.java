package io.tablecast.db;

import akka.persistence.jdbc.config.JournalConfig;
import akka.persistence.jdbc.journal.dao.DefaultJournalDao;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import scala.concurrent.Future$;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * akka-persistence-jdbc's journal DAO, writing a batch of events and their tags in one statement.
 * The library writes a batch as three round trips in a transaction: the journal rows (returning
 * their {@code ordering}), then the tag rows, then the commit. Here a data-modifying CTE inserts
 * the journal rows and hands their orderings to the tag insert, and the single statement commits
 * on its own: one round trip. Rows go in the library's order (by sequence number, so a persistence
 * id's orderings rise with its sequence numbers), and a batch still succeeds or fails as a whole.
 * Batches larger than {@link #MAX_ROWS} (a single huge AtomicWrite) go the library's way, which
 * keeps PostgreSQL's limit of 65,535 bound parameters out of reach.
 */
public final class OneStatementJournalDao extends DefaultJournalDao {
  static final int MAX_ROWS = 1000;
  private static final String COLUMNS = "deleted, persistence_id, sequence_number, writer, write_timestamp,"
      + " adapter_manifest, event_payload, event_ser_id, event_ser_manifest, meta_payload, meta_ser_id, meta_ser_manifest";
  private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private record Tag(String persistenceId, long sequenceNumber, String tag) {}

  /** The constructor akka-persistence-jdbc calls (reflectively, from {@code jdbc-journal.dao}). */
  public OneStatementJournalDao(
      JdbcBackend.DatabaseDef db, JdbcProfile profile, JournalConfig journalConfig, Serialization serialization,
      ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
  }

  @Override
  public Future<BoxedUnit> writeJournalRows(Seq<Tuple2<JournalAkkaSerializationRow, Set<String>>> xs) {
    if (xs.size() > MAX_ROWS) {
      return super.writeJournalRows(xs);
    }
    List<JournalAkkaSerializationRow> rows = new ArrayList<>(xs.size());
    List<Tag> tags = new ArrayList<>();
    List<Tuple2<JournalAkkaSerializationRow, Set<String>>> sorted = new ArrayList<>(CollectionConverters.asJava(xs));
    sorted.sort(Comparator.comparingLong(x -> x._1().sequenceNumber()));
    for (Tuple2<JournalAkkaSerializationRow, Set<String>> x : sorted) {
      JournalAkkaSerializationRow row = x._1();
      rows.add(row);
      for (String tag : CollectionConverters.asJava(x._2())) {
        tags.add(new Tag(row.persistenceId(), row.sequenceNumber(), tag));
      }
    }
    SimpleJdbcAction<BoxedUnit> write = SimpleJdbcAction.apply(context -> {
      try {
        write(context.connection(), rows, tags);
      } catch (SQLException e) {
        throw new JournalWriteException(e);
      }
      return BoxedUnit.UNIT;
    });
    return SlickRun.run(db(), write).recoverWith(JournalWriteException.UNWRAP, ec());
  }

  private static void write(Connection connection, List<JournalAkkaSerializationRow> rows, List<Tag> tags)
      throws SQLException {
    StringBuilder sql = new StringBuilder(256 + rows.size() * 40 + tags.size() * 16);
    if (!tags.isEmpty()) {
      sql.append("WITH written AS (");
    }
    sql.append("INSERT INTO event_journal (").append(COLUMNS).append(") VALUES ");
    for (int i = 0; i < rows.size(); i++) {
      sql.append(i == 0 ? ROW : ", " + ROW);
    }
    if (!tags.isEmpty()) {
      sql.append(" RETURNING ordering, persistence_id, sequence_number)"
          + " INSERT INTO event_tag (event_id, tag) SELECT written.ordering, tags.tag FROM written JOIN (VALUES ");
      for (int i = 0; i < tags.size(); i++) {
        sql.append(i == 0 ? "(?, ?::bigint, ?)" : ", (?, ?::bigint, ?)");
      }
      sql.append(") AS tags (persistence_id, sequence_number, tag)"
          + " ON tags.persistence_id = written.persistence_id AND tags.sequence_number = written.sequence_number");
    }
    try (PreparedStatement ps = connection.prepareStatement(sql.toString())) {
      int p = 1;
      for (JournalAkkaSerializationRow row : rows) {
        ps.setBoolean(p++, row.deleted());
        ps.setString(p++, row.persistenceId());
        ps.setLong(p++, row.sequenceNumber());
        ps.setString(p++, row.writer());
        ps.setLong(p++, row.writeTimestamp());
        ps.setString(p++, row.adapterManifest());
        ps.setBytes(p++, row.eventPayload());
        ps.setInt(p++, row.eventSerId());
        ps.setString(p++, row.eventSerManifest());
        ps.setBytes(p++, row.metaPayload().isDefined() ? row.metaPayload().get() : null);
        if (row.metaSerId().isDefined()) {
          ps.setInt(p++, (Integer) row.metaSerId().get());
        } else {
          ps.setNull(p++, Types.INTEGER);
        }
        ps.setString(p++, row.metaSerManifest().isDefined() ? row.metaSerManifest().get() : null);
      }
      for (Tag tag : tags) {
        ps.setString(p++, tag.persistenceId());
        ps.setLong(p++, tag.sequenceNumber());
        ps.setString(p++, tag.tag());
      }
      ps.executeUpdate();
    }
  }

  /** Carries a checked SQLException out of Slick's action; unwrapped before the journal sees it. */
  private static final class JournalWriteException extends RuntimeException {
    static final scala.PartialFunction<Throwable, Future<BoxedUnit>> UNWRAP = new scala.runtime.AbstractPartialFunction<>() {
      @Override
      public boolean isDefinedAt(Throwable t) {
        return t instanceof JournalWriteException;
      }

      @Override
      public Future<BoxedUnit> apply(Throwable t) {
        return Future$.MODULE$.failed(t.getCause());
      }
    };

    JournalWriteException(SQLException cause) {
      super(cause);
    }
  }
}
