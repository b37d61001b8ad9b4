package io.tablecast;

/** One invalid field of a request, as problem+json reports it. */
public record FieldError(String field, String message) {}
