package io.tablecast;

/** Marker for messages and events that Akka serializes with Jackson (see application.conf). */
public interface JsonSerializable {}
