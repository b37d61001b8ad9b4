package io.tablecast.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares what clients were told (acknowledged writes) with what the journal and the items read
 * table hold: every acknowledged write is in the journal, and every item of the journal is in the
 * read table exactly once, at the journal's last version.
 */
public final class JournalAudit {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EXPLAINED = 5;

  /** One item's events in the journal: sequence number → title after that event. */
  private record Stream(TreeMap<Long, String> titles) {}

  private record Row(long count, long version, String title) {}

  private JournalAudit() {}

  public static Connection connect(String jdbcUrl) throws SQLException {
    return DriverManager.getConnection(jdbcUrl, "postgres", "");
  }

  /** Acknowledged writes missing from the journal; empty when every one is there. */
  public static List<String> missingFromJournal(Connection c, Map<String, WriteLoad.Ack> acknowledged) throws SQLException {
    Map<String, Stream> journal = journal(c);
    List<String> problems = new ArrayList<>();
    acknowledged.forEach((id, ack) -> {
      Stream s = journal.get(id);
      if (s == null) {
        problems.add(id + ": acknowledged at version " + ack.version() + " but not in the journal");
        return;
      }
      if (s.titles().lastKey() != s.titles().size()) {
        problems.add(id + ": journal sequence numbers are not 1.." + s.titles().size());
      }
      String title = s.titles().get(ack.version());
      if (!ack.title().equals(title)) {
        problems.add(id + ": acknowledged version " + ack.version() + " '" + ack.title() + "', journal has '" + title + "'");
      }
    });
    return problems;
  }

  /** Items whose read row is missing, duplicated or behind the journal; empty once caught up. */
  public static List<String> readTableDifferences(Connection c) throws SQLException {
    Map<String, Stream> journal = journal(c);
    Map<String, Row> rows = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT id::text, count(*), max(version), max(title) FROM read.items GROUP BY id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.put(rs.getString(1), new Row(rs.getLong(2), rs.getLong(3), rs.getString(4)));
      }
    }
    List<String> problems = new ArrayList<>();
    journal.forEach((id, s) -> {
      Row row = rows.get(id);
      long version = s.titles().lastKey();
      if (row == null) {
        problems.add(id + ": no read row (journal at version " + version + ")");
      } else if (row.count() != 1) {
        problems.add(id + ": " + row.count() + " read rows");
      } else if (row.version() != version || !row.title().equals(s.titles().get(version))) {
        // Explained for the first few only: while a slice catches up, many rows lag.
        boolean explain = problems.size() < EXPLAINED;
        problems.add(id + ": read row at version " + row.version() + ", journal at " + version
            + (explain ? unprojected(c, id, row.version()) : ""));
      }
    });
    rows.keySet().stream().filter(id -> !journal.containsKey(id)).forEach(id -> problems.add(id + ": read row without events"));
    return problems;
  }

  /**
   * Where the events after the read row's version stand, to tell a skipped event (the slice's
   * committed offset is past it) from a slice that is behind.
   */
  private static String unprojected(Connection c, String id, long version) {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT e.sequence_number, e.ordering, t.tag, o.current_offset FROM journal.event_journal e"
            + " JOIN journal.event_tag t ON t.event_id = e.ordering"
            + " LEFT JOIN journal.projection_generation g ON g.projection_name = 'items' AND g.state = 'live'"
            + " LEFT JOIN journal.akka_projection_offset_store o"
            + " ON o.projection_name = 'items-g' || g.generation AND o.projection_key = t.tag"
            + " WHERE e.persistence_id = ? AND e.sequence_number > ? ORDER BY e.sequence_number")) {
      ps.setString(1, "Item|" + id);
      ps.setLong(2, version);
      StringBuilder events = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.append(String.format(" (#%d at ordering %d, %s committed up to %s)",
              rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
        }
      }
      return events.toString();
    } catch (SQLException e) {
      return " (" + e + ")";
    }
  }

  public static long events(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM journal.event_journal");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, Stream> journal(Connection c) throws SQLException {
    Map<String, Stream> streams = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(
            "SELECT persistence_id, sequence_number, event_payload FROM journal.event_journal "
                + "WHERE persistence_id LIKE 'Item|%'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String id = rs.getString(1).substring("Item|".length());
        Stream s = streams.computeIfAbsent(id, k -> new Stream(new TreeMap<>()));
        s.titles().put(rs.getLong(2), title(rs.getBytes(3)));
      }
    }
    // Events without a title (deleted, restored) keep the title before them.
    streams.values().forEach(s -> {
      String last = null;
      for (Map.Entry<Long, String> e : s.titles().entrySet()) {
        if (e.getValue() == null) {
          e.setValue(last);
        }
        last = e.getValue();
      }
    });
    return streams;
  }

  private static String title(byte[] payload) {
    try {
      var title = JSON.readTree(new String(payload, StandardCharsets.UTF_8)).get("title");
      return title == null ? null : title.asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
