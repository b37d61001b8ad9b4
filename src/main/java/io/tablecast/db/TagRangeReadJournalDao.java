package io.tablecast.db;

import akka.NotUsed;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.AkkaSerialization;
import akka.persistence.jdbc.config.ReadJournalConfig;
import akka.persistence.jdbc.journal.dao.JournalTables.JournalAkkaSerializationRow;
import akka.persistence.jdbc.query.dao.DefaultReadJournalDao;
import akka.serialization.Serialization;
import akka.stream.Materializer;
import akka.stream.scaladsl.Source;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.collection.immutable.Set$;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;
import slick.jdbc.SimpleJdbcAction;

/**
 * akka-persistence-jdbc's read-journal DAO, with an eventsByTag query whose cost follows the
 * range it asks for, not the size of the tag. The library's query bounds only the journal's
 * {@code ordering}; PostgreSQL's plan for the prepared statement then often merge-joins with the
 * whole of the tag's {@code (tag, event_id)} index from its first entry: every poll of a live
 * projection read all of its tag's events so far, a cost growing with the journal. Bounding {@code event_id} as well starts both index scans at the
 * offset, whatever the plan. Same rows, same order, same deserialization.
 *
 * <p>A poll whose range is empty asks the database nothing. Every eventsByTag stream polls each
 * {@code refresh-interval}, and once caught up the library asks again for the range after the
 * journal's highest position, which is empty until something new is written: a quiet node spent
 * a noticeable share of a core, its own and PostgreSQL's, on these polls.
 */
public final class TagRangeReadJournalDao extends DefaultReadJournalDao {
  static final String EVENTS_BY_TAG =
      "SELECT e.ordering, e.deleted, e.persistence_id, e.sequence_number, e.writer, e.write_timestamp,"
          + " e.adapter_manifest, e.event_payload, e.event_ser_id, e.event_ser_manifest, e.meta_payload, e.meta_ser_id,"
          + " e.meta_ser_manifest FROM event_tag t JOIN event_journal e ON e.ordering = t.event_id"
          + " WHERE t.tag = ? AND t.event_id > ? AND t.event_id <= ? AND e.ordering > ? AND e.ordering <= ?"
          + " AND NOT e.deleted ORDER BY e.ordering LIMIT ?";

  /** As the library's: eventsByTag does not fill in an event's tags. */
  private static final Set<String> NO_TAGS = Set$.MODULE$.empty();

  private final Serialization serialization;

  /** The constructor akka-persistence-jdbc calls (reflectively, from {@code jdbc-read-journal.dao}). */
  public TagRangeReadJournalDao(
      JdbcBackend.DatabaseDef db, JdbcProfile profile, ReadJournalConfig readJournalConfig, Serialization serialization,
      ExecutionContext ec, Materializer mat) {
    super(db, profile, readJournalConfig, serialization, ec, mat);
    this.serialization = serialization;
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(
      String tag, long offset, long maxOffset, long max) {
    if (offset >= maxOffset) {
      return Source.empty();
    }
    SimpleJdbcAction<List<JournalAkkaSerializationRow>> read =
        SimpleJdbcAction.apply(context -> rows(context.connection(), tag, offset, maxOffset, max));
    return akka.stream.javadsl.Source.completionStage(FutureConverters.asJava(SlickRun.run(db(), read)))
        .mapConcat(rows -> rows)
        .map(this::event)
        .asScala();
  }

  private Try<Tuple3<PersistentRepr, Set<String>, Object>> event(JournalAkkaSerializationRow row) {
    return AkkaSerialization.fromRow(serialization, row).map(event -> new Tuple3<>(event._1(), NO_TAGS, event._2()));
  }

  private static List<JournalAkkaSerializationRow> rows(
      Connection connection, String tag, long offset, long maxOffset, long max) {
    List<JournalAkkaSerializationRow> rows = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(EVENTS_BY_TAG)) {
      ps.setString(1, tag);
      ps.setLong(2, offset);
      ps.setLong(3, maxOffset);
      ps.setLong(4, offset);
      ps.setLong(5, maxOffset);
      ps.setLong(6, max);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int metaSerId = rs.getInt(12);
          Option<Object> metaSerIdOption = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
          rows.add(new JournalAkkaSerializationRow(
              rs.getLong(1), rs.getBoolean(2), rs.getString(3), rs.getLong(4), rs.getString(5), rs.getLong(6),
              rs.getString(7), rs.getBytes(8), rs.getInt(9), rs.getString(10), Option.apply(rs.getBytes(11)),
              metaSerIdOption, Option.apply(rs.getString(13))));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the events of " + tag + " after " + offset, e);
    }
    return rows;
  }
}
