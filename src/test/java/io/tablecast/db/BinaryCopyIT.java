package io.tablecast.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rows sent with {@link BinaryCopy} are exactly the rows an INSERT of the same values stores. */
class BinaryCopyIT {
  private record Row(UUID id, String name, String body, Instant at, long n, boolean flag) {}

  private static final List<Row> ROWS = List.of(
      new Row(UUID.randomUUID(), "Zoë – 東京 🚀", "line\nbreak\ttab \\ back 'quote' \"double\"",
          Instant.parse("1999-12-31T23:59:59.999999Z"), Long.MIN_VALUE, true),
      new Row(null, null, null, null, 0, false),
      new Row(UUID.randomUUID(), "", "", Instant.parse("2026-11-22T09:00:00.123456Z"), Long.MAX_VALUE, true),
      new Row(UUID.randomUUID(), "x".repeat(50), "y".repeat(100_000), Instant.parse("1970-01-01T00:00:00Z"), -1, false));

  private static EmbeddedPostgres postgres;
  private static Connection c;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    c = postgres.getPostgresDatabase().getConnection();
  }

  @AfterAll
  static void stop() throws Exception {
    c.close();
    postgres.close();
  }

  @BeforeEach
  void tables() throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS copied, inserted");
      s.execute("CREATE TABLE copied (id uuid UNIQUE, name varchar(50), body text, at timestamptz, n bigint, flag boolean)");
      s.execute("CREATE TABLE inserted (LIKE copied)");
    }
  }

  private static BinaryCopy copyOf(List<Row> rows) {
    BinaryCopy copy = new BinaryCopy("copied", "id", "name", "body", "at", "n", "flag");
    for (Row r : rows) {
      copy.row().uuid(r.id()).text(r.name()).text(r.body()).timestamp(r.at()).int8(r.n()).bool(r.flag());
    }
    return copy;
  }

  @Test
  void copiedRowsEqualInsertedRows() throws Exception {
    assertEquals(ROWS.size(), copyOf(ROWS).send(c));
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO inserted VALUES (?, ?, ?, ?, ?, ?)")) {
      for (Row r : ROWS) {
        Sql.setUuid(ps, 1, r.id());
        ps.setString(2, r.name());
        ps.setString(3, r.body());
        Sql.setTime(ps, 4, r.at());
        ps.setLong(5, r.n());
        ps.setBoolean(6, r.flag());
        ps.executeUpdate();
      }
    }
    for (String difference : List.of("TABLE copied EXCEPT ALL TABLE inserted", "TABLE inserted EXCEPT ALL TABLE copied")) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + difference + ") d")) {
        rs.next();
        assertEquals(0, rs.getLong(1), difference);
      }
    }
    List<Row> read = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM copied ORDER BY n")) {
      while (rs.next()) {
        read.add(new Row(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("body"),
            Sql.instant(rs, "at"), rs.getLong("n"), rs.getBoolean("flag")));
      }
    }
    assertEquals(ROWS.stream().sorted((a, b) -> Long.compare(a.n(), b.n())).toList(), read);
  }

  @Test
  void aRowTheTableRefusesFailsTheWholeCopy() throws Exception {
    Row first = ROWS.get(0);
    List<Row> twice = List.of(ROWS.get(2), first, first);
    SQLException e = assertThrows(SQLException.class, () -> copyOf(twice).send(c));
    assertEquals("23505", e.getSQLState(), e.toString()); // unique_violation
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM copied")) {
      rs.next();
      assertEquals(0, rs.getLong(1));
    }
  }

  /** A batch's rows span several of the encoder's arrays; none is cut at an array's end. */
  @Test
  void rowsAcrossManyArraysArriveWhole() throws Exception {
    List<Row> rows = new ArrayList<>();
    long lengths = 0;
    for (int i = 0; i < 5_000; i++) {
      String body = "b".repeat(i % 300);
      lengths += body.length();
      rows.add(new Row(UUID.randomUUID(), "n" + i, body, Instant.parse("2026-12-03T19:00:00Z").plusMillis(i), i, i % 2 == 0));
    }
    assertEquals(5_000, copyOf(rows).send(c));
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*), sum(n), sum(length(body)), count(*) FILTER (WHERE flag),"
            + " count(*) FILTER (WHERE name = 'n' || n AND at = timestamptz '2026-12-03T19:00:00Z' + n * interval '1 ms')"
            + " FROM copied")) {
      rs.next();
      assertEquals(5_000, rs.getLong(1));
      assertEquals(4_999L * 5_000 / 2, rs.getLong(2));
      assertEquals(lengths, rs.getLong(3));
      assertEquals(2_500, rs.getLong(4));
      assertEquals(5_000, rs.getLong(5), "every row's fields in their columns");
    }
  }

  @Test
  void noRowsSendNothing() throws Exception {
    assertEquals(0, new BinaryCopy("copied", "id").send(c));
  }
}
