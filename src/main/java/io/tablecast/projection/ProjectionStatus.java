package io.tablecast.projection;

import java.time.Instant;
import java.util.List;

/**
 * Where a projection stands, as GET /admin/projections and `projections status` show it: the live
 * generation, its state (running | paused | rebuilding | failed), the projection's version in this
 * node's code and the one the live generation was built with (a rebuild is needed when they
 * differ), lag, throughput, slices, the last failure with the event it failed on, and the progress
 * of a running rebuild.
 */
public record ProjectionStatus(
    String name,
    int generation,
    String state,
    int version,
    int builtVersion,
    boolean rebuildNeeded,
    long lagEvents,
    double lagSeconds,
    double throughputEventsPerSecond,
    long eventsTotal,
    List<Slice> slices,
    Failure failure,
    Rebuild rebuild,
    List<GenerationInfo> generations) {

  public static final String RUNNING = "running";
  public static final String PAUSED = "paused";
  public static final String REBUILDING = "rebuilding";
  public static final String FAILED = "failed";
  public static final List<String> STATES = List.of(RUNNING, PAUSED, REBUILDING, FAILED);

  /** One instance of the live generation: its event tag, committed offset and lag. */
  public record Slice(String key, Long offset, long eventsDone, long lagEvents, double lagSeconds, boolean paused) {}

  public record Failure(
      int generation, String slice, String persistenceId, Long sequenceNumber, String error, Instant failedAt) {}

  /** Progress of the building generation: events done of total, rate, estimated time left. */
  public record Rebuild(
      int generation,
      long eventsDone,
      long eventsTotal,
      double rateEventsPerSecond,
      Double etaSeconds,
      boolean verify,
      String verifyResult,
      Instant startedAt) {}

  /** A kept generation; {@code version} is the projection's version it was built with. */
  public record GenerationInfo(
      int generation, String state, int version, long eventsDone, long lagEvents, Instant createdAt, Instant switchedAt) {}
}
