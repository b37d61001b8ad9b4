package io.tablecast.projection;

import io.tablecast.db.Sql;
import io.tablecast.projection.Generations.Generation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Measures generations against the journal: per slice, the committed offset and how many of the
 * tag's events lie beyond it (journal.event_tag rows), the age of the oldest one, and the rate at
 * which offsets move (from samples this node took in the last seconds).
 */
public final class ProjectionMonitor {
  private static final long RATE_WINDOW_NANOS = 10_000_000_000L;

  /** Where one generation stands. */
  public record Progress(List<ProjectionStatus.Slice> slices, long eventsDone, long lagEvents, double lagSeconds) {
    public long eventsTotal() {
      return eventsDone + lagEvents;
    }
  }

  private record Sample(long nanos, long eventsDone) {}

  private final DataSource dataSource;
  private final int slices;
  private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();

  public ProjectionMonitor(DataSource dataSource, int slices) {
    this.dataSource = dataSource;
    this.slices = slices;
  }

  public List<String> keys(ReadProjection<?> projection) {
    List<String> keys = new ArrayList<>();
    for (int slice = 0; slice < slices; slice++) {
      keys.add(projection.tag(slice));
    }
    return keys;
  }

  public Progress progress(ReadProjection<?> projection, Generation generation) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      Map<String, Long> offsets = offsets(c, generation.projectionId());
      Map<String, Boolean> paused = paused(c, generation.projectionId());
      List<ProjectionStatus.Slice> result = new ArrayList<>();
      long done = 0;
      long lag = 0;
      double lagSeconds = 0;
      long now = System.currentTimeMillis();
      for (String key : keys(projection)) {
        long offset = offsets.getOrDefault(key, 0L);
        long sliceDone;
        long sliceLag;
        Long next;
        try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FILTER (WHERE event_id <= ?), count(*) FILTER (WHERE event_id > ?), "
                    + "min(event_id) FILTER (WHERE event_id > ?) FROM journal.event_tag WHERE tag = ?")) {
          ps.setLong(1, offset);
          ps.setLong(2, offset);
          ps.setLong(3, offset);
          ps.setString(4, key);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            sliceDone = rs.getLong(1);
            sliceLag = rs.getLong(2);
            next = (Long) rs.getObject(3);
          }
        }
        double sliceSeconds = next == null ? 0 : Math.max(0, (now - writeTimestamp(c, next)) / 1000.0);
        result.add(new ProjectionStatus.Slice(
            key, offsets.get(key), sliceDone, sliceLag, sliceSeconds, paused.getOrDefault(key, false)));
        done += sliceDone;
        lag += sliceLag;
        lagSeconds = Math.max(lagSeconds, sliceSeconds);
      }
      sample(generation.projectionId(), done);
      return new Progress(List.copyOf(result), done, lag, lagSeconds);
    }
  }

  /** Events per second the generation's offsets moved over the last seconds (0 with one sample). */
  public double rate(Generation generation) {
    Deque<Sample> window = samples.get(generation.projectionId());
    if (window == null) {
      return 0;
    }
    synchronized (window) {
      if (window.size() < 2) {
        return 0;
      }
      Sample first = window.peekFirst();
      Sample last = window.peekLast();
      double seconds = (last.nanos() - first.nanos()) / 1e9;
      return seconds <= 0 ? 0 : Math.max(0, (last.eventsDone() - first.eventsDone()) / seconds);
    }
  }

  private void sample(String projectionId, long done) {
    Deque<Sample> window = samples.computeIfAbsent(projectionId, id -> new ArrayDeque<>());
    long now = System.nanoTime();
    synchronized (window) {
      window.addLast(new Sample(now, done));
      while (window.size() > 2 && now - window.peekFirst().nanos() > RATE_WINDOW_NANOS) {
        window.removeFirst();
      }
    }
  }

  /** The last failure of any instance of these generations, newest first. */
  public List<ProjectionStatus.Failure> failures(List<Generation> generations) throws SQLException {
    Map<String, Integer> byId = new HashMap<>();
    generations.forEach(g -> byId.put(g.projectionId(), g.generation()));
    List<ProjectionStatus.Failure> failures = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT projection_name, projection_key, persistence_id, sequence_number, error, failed_at "
                    + "FROM journal.projection_failure WHERE projection_name = ANY (?) ORDER BY failed_at DESC")) {
      ps.setArray(1, c.createArrayOf("varchar", byId.keySet().toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          failures.add(new ProjectionStatus.Failure(
              byId.get(rs.getString(1)), rs.getString(2), rs.getString(3), (Long) rs.getObject(4), rs.getString(5),
              Sql.instant(rs, "failed_at")));
        }
      }
    }
    return failures;
  }

  static Map<String, Long> offsets(Connection c, String projectionId) throws SQLException {
    Map<String, Long> offsets = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT projection_key, current_offset FROM journal.akka_projection_offset_store WHERE projection_name = ?")) {
      ps.setString(1, projectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // The JDBC read journal's offsets are Sequence offsets: the journal's ordering column.
          offsets.put(rs.getString(1), Long.parseLong(rs.getString(2)));
        }
      }
    }
    return offsets;
  }

  private static Map<String, Boolean> paused(Connection c, String projectionId) throws SQLException {
    Map<String, Boolean> paused = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT projection_key, paused FROM journal.akka_projection_management WHERE projection_name = ?")) {
      ps.setString(1, projectionId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          paused.put(rs.getString(1), rs.getBoolean(2));
        }
      }
    }
    return paused;
  }

  private static long writeTimestamp(Connection c, long ordering) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT write_timestamp FROM journal.event_journal WHERE ordering = ?")) {
      ps.setLong(1, ordering);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : System.currentTimeMillis();
      }
    }
  }
}
