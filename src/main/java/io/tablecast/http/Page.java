package io.tablecast.http;

import java.util.List;

/**
 * One page of a list: {"data":[...],"total":N,"total_exact":true,"skip":S,"limit":L,"next":C}.
 * {@code total} is exact when {@code totalExact}, else an estimate (lists with more matching rows
 * than {@code tablecast.queries.exact-total-up-to}). {@code next}: a full page's cursor, for the
 * request's {@code after} (the page after it may be empty); null on a page that is not full.
 */
public record Page<T>(List<T> data, long total, boolean totalExact, int skip, int limit, String next) {}
