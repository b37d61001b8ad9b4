package io.tablecast.cli;

/** Exit codes scripts can rely on. */
public final class ExitCodes {
  /** Done. */
  public static final int OK = 0;
  /**
   * The operation was refused or failed: a 4xx answer, a refused verification, invalid migrations;
   * for {@code db check}, something needs doing.
   */
  public static final int REFUSED = 1;
  /** Wrong usage (picocli's own code for bad options). */
  public static final int USAGE = 2;
  /**
   * The node or the database could not be reached, or answered with a fault (5xx); for
   * {@code db check}, any fault, so that its 1 always means "something to do".
   */
  public static final int UNAVAILABLE = 3;

  private ExitCodes() {}
}
