package io.tablecast;

import akka.actor.typed.ActorSystem;
import io.tablecast.db.Database;
import io.tablecast.metrics.Metrics;
import io.tablecast.unique.Reservations;

/**
 * What a {@link Feature} starts with on a node: the actor system, the settings, the database, the
 * metrics, and the reservations of unique values.
 */
public final class Node {
  private final ActorSystem<?> system;
  private final Settings settings;
  private final Database database;
  private final Metrics metrics;
  private final Reservations reservations;

  Node(ActorSystem<?> system, Settings settings, Database database, Metrics metrics, Reservations reservations) {
    this.system = system;
    this.settings = settings;
    this.database = database;
    this.metrics = metrics;
    this.reservations = reservations;
  }

  public ActorSystem<?> system() {
    return system;
  }

  public Settings settings() {
    return settings;
  }

  public Database database() {
    return database;
  }

  public Metrics metrics() {
    return metrics;
  }

  public Reservations reservations() {
    return reservations;
  }
}
