package io.tablecast.projection;

import io.tablecast.db.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Measures generations against the journal: per slice, the committed offset and how many of the
 * tag's events lie beyond it (journal.event_tag rows), the age of the oldest one, and the rate at
 * which offsets move (from samples this node took in the last seconds).
 *
 * <p>Cheap at millions of events: a tag's events are counted in full once per node and generation;
 * after that each measurement counts only the events that arrived or were processed since the
 * last one (index range scans on event_tag (tag, event_id)).
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

  /** How many of a tag's events lie at or below an offset. */
  private record Counted(long offset, long events) {}

  private final DataSource dataSource;
  private final int slices;
  private final Map<String, Deque<Sample>> samples = new ConcurrentHashMap<>();
  /** Per generation and tag, guarded by this monitor. */
  private final Map<String, Counted> upTo = new HashMap<>();
  /** Per tag, the count at the furthest offset any generation has committed; guarded by this monitor. */
  private final Map<String, Counted> furthest = new HashMap<>();

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
    return progress(projection, List.of(generation)).get(generation);
  }

  /**
   * Where each of these generations of one projection stands. The events of each tag beyond the
   * furthest of their offsets are counted once for all of them: while a rebuild runs, a live
   * generation and a building one (and a retired one kept for switching back) read the same tags.
   */
  public Map<Generation, Progress> progress(ReadProjection<?> projection, List<Generation> generations)
      throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<String> keys = keys(projection);
      Map<Generation, Map<String, Long>> offsets = new HashMap<>();
      Map<Generation, Map<String, Long>> done = new HashMap<>();
      Map<String, Long> inTag = new HashMap<>();
      synchronized (this) {
        for (Generation generation : generations) {
          Map<String, Long> generationOffsets = offsets(c, generation.projectionId());
          Map<String, Long> generationDone = new HashMap<>();
          for (String key : keys) {
            generationDone.put(key, eventsUpTo(c, generation.projectionId(), key, generationOffsets.getOrDefault(key, 0L)));
          }
          offsets.put(generation, generationOffsets);
          done.put(generation, generationDone);
        }
        for (String key : keys) {
          inTag.put(key, eventsInTag(c, key));
        }
      }
      long now = System.currentTimeMillis();
      Map<Generation, Progress> progress = new LinkedHashMap<>();
      for (Generation generation : generations) {
        Map<String, Boolean> paused = paused(c, generation.projectionId());
        List<ProjectionStatus.Slice> result = new ArrayList<>();
        long generationDone = 0;
        long lag = 0;
        double lagSeconds = 0;
        for (String key : keys) {
          Long committed = offsets.get(generation).get(key);
          long sliceDone = done.get(generation).get(key);
          long sliceLag = inTag.get(key) - sliceDone;
          Long next = nextEvent(c, key, committed == null ? 0L : committed);
          double sliceSeconds = next == null ? 0 : Math.max(0, (now - writeTimestamp(c, next)) / 1000.0);
          result.add(new ProjectionStatus.Slice(key, committed, sliceDone, sliceLag, sliceSeconds, paused.getOrDefault(key, false)));
          generationDone += sliceDone;
          lag += sliceLag;
          lagSeconds = Math.max(lagSeconds, sliceSeconds);
        }
        sample(generation.projectionId(), generationDone);
        progress.put(generation, new Progress(List.copyOf(result), generationDone, lag, lagSeconds));
      }
      return progress;
    }
  }

  /**
   * Whether a generation is more than {@code events} of the journal's events behind, over all its
   * slices: what {@code progress(...).lagEvents() > events} says, without counting. Each slice reads
   * at most {@code events + 1} index entries past its offset (one, for the usual 0), so every node
   * can ask it every second however far behind a building generation still is (counting its lag
   * reads every index entry past the offset).
   */
  public boolean behindByMoreThan(ReadProjection<?> projection, Generation generation, long events)
      throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM (SELECT 1 FROM journal.event_tag WHERE tag = ? AND event_id > ? LIMIT ?) AS beyond")) {
      Map<String, Long> offsets = offsets(c, generation.projectionId());
      long behind = 0;
      for (String key : keys(projection)) {
        ps.setString(1, key);
        ps.setLong(2, offsets.getOrDefault(key, 0L));
        ps.setLong(3, events + 1 - behind);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          behind += rs.getLong(1);
        }
        if (behind > events) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The tag's events up to a generation's committed offset. Counted once, then only the events
   * between the offset seen last time and the new one: the rows below a committed offset no longer
   * change (the read journal does not move past a gap in the journal's ordering).
   */
  private long eventsUpTo(Connection c, String projectionId, String tag, long offset) throws SQLException {
    String key = projectionId + "/" + tag;
    Counted before = upTo.get(key);
    long done = before == null || before.offset() > offset
        ? count(c, tag, Long.MIN_VALUE, offset)
        : before.events() + count(c, tag, before.offset(), offset);
    Counted now = new Counted(offset, done);
    upTo.put(key, now);
    Counted known = furthest.get(tag);
    if (known == null || known.offset() <= offset) {
      furthest.put(tag, now);
    }
    return done;
  }

  /** All of the tag's events: those up to the furthest committed offset of any generation, plus the tail after it. */
  private long eventsInTag(Connection c, String tag) throws SQLException {
    Counted known = furthest.get(tag);
    return known.events() + count(c, tag, known.offset(), Long.MAX_VALUE);
  }

  /** The tag's events with {@code after < event_id <= upTo}: an index range scan. */
  private static long count(Connection c, String tag, long after, long upTo) throws SQLException {
    if (after >= upTo) {
      return 0;
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM journal.event_tag WHERE tag = ? AND event_id > ? AND event_id <= ?")) {
      ps.setString(1, tag);
      ps.setLong(2, after);
      ps.setLong(3, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The first of the tag's events after the offset, if any. */
  private static Long nextEvent(Connection c, String tag, long offset) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT min(event_id) FROM journal.event_tag WHERE tag = ? AND event_id > ?")) {
      ps.setString(1, tag);
      ps.setLong(2, offset);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return (Long) rs.getObject(1);
      }
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
