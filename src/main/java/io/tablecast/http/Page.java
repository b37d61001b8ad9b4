package io.tablecast.http;

import java.util.List;

/** One page of a list: {"data":[...],"total":N,"skip":S,"limit":L}. */
public record Page<T>(List<T> data, long total, int skip, int limit) {}
