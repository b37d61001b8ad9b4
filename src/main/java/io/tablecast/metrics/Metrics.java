package io.tablecast.metrics;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.tablecast.projection.ProjectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics: one registry per node, i.e. per actor system (so several nodes
 * can share a JVM in tests), served in text format at GET /metrics.
 */
public final class Metrics implements Extension {
  private static final ExtensionId<Metrics> ID =
      new ExtensionId<>() {
        @Override
        public Metrics createExtension(ActorSystem<?> system) {
          return new Metrics();
        }
      };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter httpRequests;
  private final Histogram httpDuration;
  private final Counter commands;
  private final Counter eventsPersisted;
  private final Counter projectionEvents;

  public static Metrics get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public Metrics() {
    JvmMetrics.builder().register(registry);
    httpRequests = Counter.builder()
        .name("tablecast_http_requests_total")
        .help("HTTP requests by method, route and status")
        .labelNames("method", "route", "status")
        .register(registry);
    httpDuration = Histogram.builder()
        .name("tablecast_http_request_duration_seconds")
        .help("HTTP request latency by method and route")
        .labelNames("method", "route")
        .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
        .register(registry);
    commands = Counter.builder()
        .name("tablecast_commands_total")
        .help("Commands sent to aggregates, by aggregate and outcome (accepted, a rejection reason, or failed)")
        .labelNames("aggregate", "outcome")
        .register(registry);
    eventsPersisted = Counter.builder()
        .name("tablecast_events_persisted_total")
        .help("Events written to the journal by this node's entities, by aggregate type")
        .labelNames("aggregate")
        .register(registry);
    projectionEvents = Counter.builder()
        .name("tablecast_projection_events_processed_total")
        .help("Events this node's projection instances wrote to their read tables and committed, by projection, generation and slice")
        .labelNames("projection", "generation", "slice")
        .register(registry);
  }

  public void httpRequest(String method, String route, int status, double seconds) {
    httpRequests.labelValues(method, route, Integer.toString(status)).inc();
    httpDuration.labelValues(method, route).observe(seconds);
  }

  public void command(String aggregate, String outcome) {
    commands.labelValues(aggregate, outcome).inc();
  }

  public void eventPersisted(String aggregate) {
    eventsPersisted.labelValues(aggregate).inc();
  }

  public void projectionEventsProcessed(String projection, int generation, int slice, long events) {
    projectionEvents.labelValues(projection, Integer.toString(generation), Integer.toString(slice)).inc(events);
  }

  /**
   * Where the projections stand, from the last measurement ({@code latest} must only return what
   * was measured before, never query): lag per live slice, progress of building generations, and
   * the state of each projection as one gauge per state (1 for the current one).
   */
  public void projections(Supplier<List<ProjectionStatus>> latest) {
    GaugeWithCallback.builder()
        .name("tablecast_projection_lag_events")
        .help("Events of the journal the live generation has not processed yet, by projection and slice")
        .labelNames("projection", "slice")
        .callback(callback -> latest.get().forEach(p -> p.slices().forEach(s ->
            callback.call(s.lagEvents(), p.name(), slice(s.key())))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tablecast_projection_lag_seconds")
        .help("Age of the oldest event the live generation has not processed yet (0 when caught up), by projection and slice")
        .labelNames("projection", "slice")
        .callback(callback -> latest.get().forEach(p -> p.slices().forEach(s ->
            callback.call(s.lagSeconds(), p.name(), slice(s.key())))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tablecast_projection_rebuild_events_done")
        .help("Events a building generation has processed, by projection and generation")
        .labelNames("projection", "generation")
        .callback(callback -> latest.get().stream().filter(p -> p.rebuild() != null).forEach(p ->
            callback.call(p.rebuild().eventsDone(), p.name(), Integer.toString(p.rebuild().generation()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tablecast_projection_rebuild_events_target")
        .help("Events a building generation must have processed to be caught up (the journal's events of its tags), by projection and generation")
        .labelNames("projection", "generation")
        .callback(callback -> latest.get().stream().filter(p -> p.rebuild() != null).forEach(p ->
            callback.call(p.rebuild().eventsTotal(), p.name(), Integer.toString(p.rebuild().generation()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tablecast_projection_state")
        .help("1 for the state each projection is in (running, paused, rebuilding, failed), 0 for the others")
        .labelNames("projection", "state")
        .callback(callback -> latest.get().forEach(p -> ProjectionStatus.STATES.forEach(state ->
            callback.call(state.equals(p.state()) ? 1 : 0, p.name(), state))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tablecast_projection_live_generation")
        .help("The generation queries read, by projection")
        .labelNames("projection")
        .callback(callback -> latest.get().forEach(p -> callback.call(p.generation(), p.name())))
        .register(registry);
  }

  /** A slice's number from its event tag ({@code item-2} is slice 2). */
  private static String slice(String tag) {
    return tag.substring(tag.lastIndexOf('-') + 1);
  }

  /** Connections of the pool that projections and queries use. */
  public void databasePool(HikariDataSource pool) {
    GaugeWithCallback.builder()
        .name("tablecast_db_pool_connections")
        .help("Connections of the projection and query pool by state")
        .labelNames("state")
        .callback(callback -> {
          HikariPoolMXBean bean = pool.getHikariPoolMXBean();
          if (bean != null) {
            callback.call(bean.getActiveConnections(), "active");
            callback.call(bean.getIdleConnections(), "idle");
            callback.call(bean.getThreadsAwaitingConnection(), "pending");
          }
          callback.call(pool.getMaximumPoolSize(), "max");
        })
        .register(registry);
  }

  /** A gauge read when scraped; the supplier must be cheap and must not block for long. */
  public void gauge(String name, String help, Supplier<Double> value) {
    GaugeWithCallback.builder().name(name).help(help).callback(callback -> callback.call(value.get())).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Every metric, in the Prometheus text format. */
  public byte[] scrape() {
    return scrape(Set.of());
  }

  /**
   * The metric families named in {@code names}, as their {@code # TYPE} lines name them
   * ({@code jvm_memory_used_bytes}, {@code tablecast_commands_total}), or every one when it is empty.
   * Families not named are not collected at all: a frequent scrape of one gauge does not pay for the
   * others (the JVM thread metrics look for deadlocks, which stops every thread).
   */
  public byte[] scrape(Set<String> names) {
    Predicate<String> included = names.isEmpty()
        ? name -> true
        : name -> names.contains(name) || names.contains(name + "_total") || names.contains(name + "_info");
    ByteArrayOutputStream out = new ByteArrayOutputStream(names.isEmpty() ? 16 * 1024 : 512);
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape(included));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
