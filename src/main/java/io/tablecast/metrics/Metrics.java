package io.tablecast.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * The node's Prometheus metrics: one registry per node (so several nodes can share a JVM in
 * tests), served in text format at GET /metrics.
 */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter httpRequests;
  private final Histogram httpDuration;
  private final Counter commands;

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
  }

  public void httpRequest(String method, String route, int status, double seconds) {
    httpRequests.labelValues(method, route, Integer.toString(status)).inc();
    httpDuration.labelValues(method, route).observe(seconds);
  }

  public void command(String aggregate, String outcome) {
    commands.labelValues(aggregate, outcome).inc();
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

  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
