package io.tablecast.http;

import java.util.List;

/**
 * One page of a list: {"data":[...],"total":N,"total_exact":true,"skip":S,"limit":L}. {@code total}
 * is exact when {@code totalExact}, else an estimate (lists with more matching rows than
 * {@code tablecast.queries.exact-total-up-to}).
 */
public record Page<T>(List<T> data, long total, boolean totalExact, int skip, int limit) {}
