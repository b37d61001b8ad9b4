package io.tablecast.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.pattern.Patterns;
import io.tablecast.FieldError;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.ToLongFunction;

/**
 * {@code ?min_version=N} on a read of one entity: read the row again and again (without holding a
 * thread) until it reaches version N or the configured wait passes; then answer what is there,
 * marked with {@value #STALE_HEADER} if it is older than N.
 */
public final class MinVersion {
  public static final String STALE_HEADER = "X-Read-Stale";
  private static final Duration POLL = Duration.ofMillis(20);

  private final ActorSystem<?> system;
  private final Blocking blocking;
  private final Duration wait;

  public MinVersion(ActorSystem<?> system, Blocking blocking, Duration wait) {
    this.system = system;
    this.blocking = blocking;
    this.wait = wait;
  }

  /** The requested version, or 0 when the query has none. */
  public static long parse(Map<String, String> query, List<FieldError> errors) {
    String value = query.get("min_version");
    if (value == null) {
      return 0;
    }
    try {
      long version = Long.parseLong(value);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(new FieldError("min_version", "must be a version, 1 or more"));
    return 0;
  }

  public <T> CompletionStage<Optional<T>> read(Blocking.Work<Optional<T>> read, ToLongFunction<T> version, long minVersion) {
    return poll(read, version, minVersion, Instant.now().plus(wait));
  }

  private <T> CompletionStage<Optional<T>> poll(
      Blocking.Work<Optional<T>> read, ToLongFunction<T> version, long minVersion, Instant deadline) {
    return blocking.run(read).thenCompose(row -> {
      boolean reached = minVersion == 0 || row.map(r -> version.applyAsLong(r) >= minVersion).orElse(false);
      if (reached || Instant.now().isAfter(deadline)) {
        return CompletableFuture.completedFuture(row);
      }
      return Patterns.after(POLL, system.classicSystem().scheduler(), system.executionContext(),
          () -> poll(read, version, minVersion, deadline));
    });
  }

  /** Marks a response whose row had not reached {@code minVersion}. */
  public static <T> HttpResponse marked(HttpResponse response, Optional<T> row, ToLongFunction<T> version, long minVersion) {
    boolean stale = minVersion > 0 && row.map(r -> version.applyAsLong(r) < minVersion).orElse(true);
    return stale
        ? response.addHeader(RawHeader.create(STALE_HEADER, "the read table has not reached version " + minVersion + " yet"))
        : response;
  }
}
