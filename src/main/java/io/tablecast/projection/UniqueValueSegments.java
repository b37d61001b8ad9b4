package io.tablecast.projection;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Where a folded batch is cut so that a partial unique index (a live email, a live category name)
 * holds at every row written. A projection folds its batch into one row per entity and writes each
 * changed row once, in no particular order, but PostgreSQL checks such an index at each row: a row
 * that took a value another row of the batch gave up (a new user with a deleted user's email, a
 * category renamed to a name another one left) collides with that row if it is written first. So
 * the rows folded so far are written before an event whose entity takes a value after another
 * entity gave one up since the last write. Within one write, then, no row takes a value another
 * row of it held before (the write side holds each value once at every point of the journal), and
 * any order of its rows keeps the index.
 */
public final class UniqueValueSegments {
  private final Set<UUID> gaveUp = new HashSet<>();

  /**
   * Whether the rows folded so far must be written before this event, which changes the value its
   * entity holds from {@code before} to {@code after} (null: none, not yet created or deleted).
   */
  public boolean writeFirst(UUID entity, String before, String after) {
    boolean takes = after != null && !after.equals(before);
    boolean cut = takes && gaveUp.stream().anyMatch(other -> !other.equals(entity));
    if (cut) {
      gaveUp.clear();
    }
    if (before != null && !before.equals(after)) {
      gaveUp.add(entity);
    }
    return cut;
  }
}
