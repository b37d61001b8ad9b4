package io.tablecast;

import akka.actor.typed.ActorSystem;
import io.tablecast.db.Database;
import io.tablecast.http.Authentication;
import io.tablecast.metrics.Metrics;
import io.tablecast.unique.Reservations;

/**
 * What a {@link Feature} starts with on a node: the actor system, the settings, the database, the
 * metrics, the reservations of unique values, and the authentication its routes wrap themselves in.
 */
public final class Node {
  private final ActorSystem<?> system;
  private final Settings settings;
  private final Database database;
  private final Metrics metrics;
  private final Reservations reservations;
  private final Authentication authentication;

  Node(ActorSystem<?> system, Settings settings, Database database, Metrics metrics, Reservations reservations,
      Authentication authentication) {
    this.system = system;
    this.settings = settings;
    this.database = database;
    this.metrics = metrics;
    this.reservations = reservations;
    this.authentication = authentication;
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

  /** Who sends a request, for every feature's routes: the users feature answers ({@code UserFeature.authenticator}). */
  public Authentication authentication() {
    return authentication;
  }
}
