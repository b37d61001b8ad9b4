package io.tablecast.projection;

import java.time.Instant;

/**
 * One generation of a projection's read tables and where it stands, as the registry
 * (journal.projection_generation) holds it. Generation N of projection P lives in schema
 * {@code P_gN} and runs as projection id {@code P-gN}; {@code version} is the projection's version
 * it was built with ({@link ReadProjection#version}).
 */
public record Generation(
    String projection, int generation, String state, int version, boolean verify, String verifyResult,
    Instant createdAt, Instant switchedAt) {
  public static final String BUILDING = "building";
  public static final String LIVE = "live";
  public static final String RETIRED = "retired";

  public static String schema(String projection, int generation) {
    return projection + "_g" + generation;
  }

  public String schema() {
    return schema(projection, generation);
  }

  public String projectionId() {
    return projection + "-g" + generation;
  }
}
