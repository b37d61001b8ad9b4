package io.tablecast.http;

import io.tablecast.FieldError;
import io.tablecast.Settings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * skip / limit / sort / after / include_deleted of a list request. {@code sort=field} ascending,
 * {@code sort=-field} descending; the field must be one the list allows. {@code after} is the
 * {@code next} of an earlier page in the same sort: the page starts after that page's last row
 * ({@code skip} then skips rows past it). {@code exactTotalUpTo} is not from the request: up to how
 * many matching rows the page's total is counted exactly.
 */
public record ListParams(
    int skip, int limit, String sortField, boolean descending, boolean includeDeleted, PageCursor after,
    long exactTotalUpTo) {

  public static ListParams parse(
      Map<String, String> query, Set<String> sortable, String defaultSort, Settings.Queries settings, List<FieldError> errors) {
    int skip = integer(query, "skip", 0, errors);
    int limit = integer(query, "limit", settings.defaultLimit(), errors);
    if (skip < 0) {
      errors.add(new FieldError("skip", "must be 0 or more"));
    }
    if (limit < 1 || limit > settings.maxLimit()) {
      errors.add(new FieldError("limit", "must be 1 to " + settings.maxLimit()));
    }
    String sort = query.getOrDefault("sort", defaultSort);
    boolean descending = sort.startsWith("-");
    String field = descending ? sort.substring(1) : sort;
    if (!sortable.contains(field)) {
      errors.add(new FieldError("sort", "must be one of " + String.join(", ", sortable.stream().sorted().toList())
          + ", optionally prefixed with -"));
    }
    boolean includeDeleted = bool(query, "include_deleted", errors);
    PageCursor after = cursor(query, sort, errors);
    return new ListParams(skip, limit, field, descending, includeDeleted, after, settings.exactTotalUpTo());
  }

  /** The rows before the page: those {@code skip} passes, after the pages a cursor follows (as they were read). */
  public long rowsBefore() {
    return (after == null ? 0 : after.position()) + skip;
  }

  /** {@code sort=field} or {@code sort=-field}, as a request and a cursor name the order. */
  public String sort() {
    return (descending ? "-" : "") + sortField;
  }

  private static PageCursor cursor(Map<String, String> query, String sort, List<FieldError> errors) {
    String value = query.get("after");
    if (value == null) {
      return null;
    }
    PageCursor cursor;
    try {
      cursor = PageCursor.decode(value);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("after", PageCursor.NOT_A_CURSOR));
      return null;
    }
    if (!cursor.sort().equals(sort)) {
      errors.add(new FieldError("after", "is from a page sorted by " + cursor.sort() + ", not " + sort));
      return null;
    }
    return cursor;
  }

  public static boolean bool(Map<String, String> query, String name, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    errors.add(new FieldError(name, "must be true or false"));
    return false;
  }

  private static int integer(Map<String, String> query, String name, int fallback, List<FieldError> errors) {
    String value = query.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      errors.add(new FieldError(name, "must be an integer"));
      return fallback;
    }
  }
}
