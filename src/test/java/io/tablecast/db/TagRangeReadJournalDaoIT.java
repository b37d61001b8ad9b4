package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.typed.javadsl.Adapter;
import akka.persistence.PersistentRepr;
import akka.persistence.jdbc.query.dao.DefaultReadJournalDao;
import akka.persistence.jdbc.query.dao.ReadJournalDao;
import akka.persistence.jdbc.query.scaladsl.JdbcReadJournal;
import akka.persistence.query.PersistenceQuery;
import akka.serialization.SerializationExtension;
import akka.stream.Materializer;
import akka.stream.scaladsl.Sink;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tablecast.item.Item;
import io.tablecast.support.Api;
import io.tablecast.support.Tables;
import io.tablecast.support.TestNode;
import io.tablecast.support.Users;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.collection.immutable.Set;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcBackend$;
import slick.util.AsyncExecutor$;

/**
 * The read journal's eventsByTag goes through {@link TagRangeReadJournalDao}: the same events in
 * the same order as akka-persistence-jdbc's own DAO, for any range and limit, while reading only
 * the asked range of the tag's index, whatever plan PostgreSQL picks for the prepared statement.
 */
class TagRangeReadJournalDaoIT {
  private static final int ITEMS = 60;

  @TempDir static Path dataDir;
  private static TestNode node;
  private static ReadJournalDao ours;
  private static ReadJournalDao library;
  private static Materializer materializer;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(dataDir, Users.withAdmin(Map.of()));
    Api api = Users.admin(node.api);
    for (int i = 0; i < ITEMS; i++) {
      String id = api.post("/api/items", "{\"title\":\"item " + i + "\",\"content\":\"x\"}").json().get("id").asText();
      if (i % 3 == 0) {
        assertEquals(200, api.patch("/api/items/" + id, "{\"title\":\"item " + i + " again\"}").status());
      }
    }
    var classic = Adapter.toClassic(node.node.system());
    JdbcReadJournal readJournal = PersistenceQuery.get(classic).readJournalFor(JdbcReadJournal.Identifier());
    ours = readJournal.readJournalDao();
    DefaultReadJournalDao dao = assertInstanceOf(TagRangeReadJournalDao.class, ours);
    materializer = Materializer.matFromSystem(classic);
    library = new DefaultReadJournalDao(
        dao.db(), dao.profile(), dao.readJournalConfig(), SerializationExtension.get(classic), dao.ec(), materializer);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  /** (ordering, persistence id, sequence number, event) of what a DAO's eventsByTag returns. */
  private static List<String> events(ReadJournalDao dao, String tag, long offset, long maxOffset, long max)
      throws Exception {
    Seq<Try<Tuple3<PersistentRepr, Set<String>, Object>>> rows = FutureConverters.asJava(
            dao.eventsByTag(tag, offset, maxOffset, max).runWith(Sink.seq(), materializer))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<String> events = new ArrayList<>();
    for (Try<Tuple3<PersistentRepr, Set<String>, Object>> row : CollectionConverters.asJava(rows)) {
      PersistentRepr repr = row.get()._1();
      events.add(row.get()._3() + " " + repr.persistenceId() + " #" + repr.sequenceNr() + " " + repr.payload()
          + " at " + repr.timestamp() + " by " + repr.writerUuid());
    }
    return events;
  }

  @Test
  void returnsWhatTheLibrarysDaoReturnsForAnyRangeAndLimit() throws Exception {
    DataSource db = node.node.database().dataSource();
    long highest = Tables.count(db, "SELECT max(ordering) FROM journal.event_journal");
    for (int slice = 0; slice < 4; slice++) {
      String tag = Item.TAG_PREFIX + "-" + slice;
      List<String> all = events(library, tag, 0, highest, 10_000);
      assertTrue(all.size() > 5, tag + " has events: " + all.size());
      assertEquals(all, events(ours, tag, 0, highest, 10_000), tag);
      assertEquals(all.subList(0, 5), events(ours, tag, 0, highest, 5), tag + ", limited");
      long middle = highest / 2;
      assertEquals(events(library, tag, middle, highest - 3, 7), events(ours, tag, middle, highest - 3, 7), tag + " mid");
      assertEquals(List.of(), events(ours, tag, highest, highest, 100), tag + ", empty range");
    }
  }

  @Test
  void aPollOfAnEmptyRangeAsksTheDatabaseNothing() throws Exception {
    // The same DAO on a database that refuses every connection: a range that may hold events
    // fails, an empty one (the poll of a projection caught up with a quiet journal) is answered.
    PGSimpleDataSource nowhere = new PGSimpleDataSource();
    nowhere.setServerNames(new String[] {"127.0.0.1"});
    nowhere.setPortNumbers(new int[] {1});
    JdbcBackend.DatabaseDef refusing = JdbcBackend$.MODULE$.Database().forDataSource(
        nowhere, Option.apply(1), AsyncExecutor$.MODULE$.apply("refusing", 1, 1, 10, 1), false);
    try {
      DefaultReadJournalDao dao = (DefaultReadJournalDao) ours;
      TagRangeReadJournalDao offline = new TagRangeReadJournalDao(refusing, dao.profile(), dao.readJournalConfig(),
          SerializationExtension.get(Adapter.toClassic(node.node.system())), dao.ec(), materializer);
      String tag = Item.TAG_PREFIX + "-0";
      assertEquals(List.of(), events(offline, tag, 40, 40, 100));
      assertEquals(List.of(), events(offline, tag, 41, 40, 100));
      ExecutionException asked = assertThrows(ExecutionException.class, () -> events(offline, tag, 39, 40, 100));
      assertTrue(asked.getCause().getMessage().contains("refused"), "it asked the database: " + asked);
    } finally {
      refusing.close();
    }
  }

  @Test
  void aGenericPlanReadsOnlyTheAskedRangeOfTheTag() throws Exception {
    DataSource db = node.node.database().dataSource();
    String tag = Item.TAG_PREFIX + "-0";
    long tagged = Tables.count(db, "SELECT count(*) FROM journal.event_tag WHERE tag = '" + tag + "'");
    long highest = Tables.count(db, "SELECT max(ordering) FROM journal.event_journal");
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL search_path = journal");
        s.execute("SET LOCAL plan_cache_mode = force_generic_plan");
      }
      try (PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, FORMAT JSON) " + TagRangeReadJournalDao.EVENTS_BY_TAG)) {
        ps.setString(1, tag);
        ps.setLong(2, highest - 1);
        ps.setLong(3, highest);
        ps.setLong(4, highest - 1);
        ps.setLong(5, highest);
        ps.setLong(6, 5000);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          JsonNode plan = new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
          long read = rowsReadFrom(plan, "event_tag");
          assertTrue(tagged >= 10 && read <= 1, "read " + read + " of the tag's " + tagged + " index entries: " + plan);
        }
      }
      c.rollback();
    }
  }

  /** Rows the plan's scans of this table returned, over all their loops. */
  private static long rowsReadFrom(JsonNode plan, String table) {
    long rows = table.equals(plan.path("Relation Name").asText())
        ? plan.get("Actual Rows").asLong() * plan.get("Actual Loops").asLong()
        : 0;
    for (JsonNode child : plan.path("Plans")) {
      rows += rowsReadFrom(child, table);
    }
    return rows;
  }
}
