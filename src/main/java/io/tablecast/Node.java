package io.tablecast;

import akka.actor.typed.ActorSystem;
import io.tablecast.db.Database;
import io.tablecast.metrics.Metrics;
import io.tablecast.unique.Reservations;
import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link Feature} starts with on a node: the actor system, the settings, the database, the
 * metrics, the reservations of unique values, and the services features offer each other (a seam
 * between two features is a service one provides and the other requires).
 */
public final class Node {
  private final ActorSystem<?> system;
  private final Settings settings;
  private final Database database;
  private final Metrics metrics;
  private final Reservations reservations;
  private final Map<Class<?>, Object> services = new HashMap<>();

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

  /** Offers {@code service} to the features started after this one. */
  public <T> void provide(Class<T> type, T service) {
    services.put(type, service);
  }

  /** A service an earlier feature provided; features start in {@link Tablecast#FEATURES} order. */
  public <T> T require(Class<T> type) {
    Object service = services.get(type);
    if (service == null) {
      throw new IllegalStateException(type.getSimpleName() + " is provided by a feature that has not started yet");
    }
    return type.cast(service);
  }
}
