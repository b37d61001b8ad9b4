package io.tablecast.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.Http;
import akka.http.javadsl.ServerBinding;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RetryAfter;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.ExceptionHandler;
import akka.http.javadsl.server.MalformedQueryParamRejection;
import akka.http.javadsl.server.MalformedRequestContentRejection;
import akka.http.javadsl.server.MissingQueryParamRejection;
import akka.http.javadsl.server.RejectionHandler;
import akka.http.javadsl.server.Route;
import akka.http.scaladsl.model.EntityStreamSizeException;
import akka.pattern.AskTimeoutException;
import akka.pattern.CircuitBreakerOpenException;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.tablecast.FieldError;
import io.tablecast.LogContext;
import io.tablecast.Settings;
import io.tablecast.Traced;
import io.tablecast.metrics.Metrics;
import io.tablecast.metrics.MetricsEndpoint;
import io.tablecast.metrics.RouteLabel;
import java.util.UUID;
import java.util.regex.Pattern;
import akka.http.javadsl.model.headers.RawHeader;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the HTTP API and turns every rejection and fault into problem+json. */
public final class HttpServer extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
  /** What clients are told to wait after a fault that passes by itself (database away, node busy). */
  private static final long RETRY_AFTER_SECONDS = 2;

  public static final String REQUEST_ID_HEADER = "X-Request-Id";
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final Metrics metrics;
  private final Cors cors;
  /** Built once: every request passes through both. */
  private final RejectionHandler rejections = rejections();
  private final ExceptionHandler exceptions = exceptions();

  private HttpServer(Settings settings, Metrics metrics) {
    this.metrics = metrics;
    this.cors = new Cors(settings.cors());
  }

  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, Settings settings, Metrics metrics, Route api) {
    HttpServer server = new HttpServer(settings, metrics);
    // Every parameter is checked before a route reads it; only /metrics takes one several times.
    Route routes = QueryParameters.singleValued(server.concat(OpenApi.route(), api));
    Route route = server.sealed(settings.metricsEndpoint().onApiPort()
        ? server.concat(MetricsEndpoint.route(metrics), routes)
        : routes);
    return Http.get(system)
        .newServerAt(settings.http().iface(), settings.http().port())
        .bind(route)
        .thenApply(binding -> binding.addToCoordinatedShutdown(Duration.ofSeconds(5), system));
  }

  /** Every answer, errors included, carries the security headers (and CORS headers when configured). */
  private Route sealed(Route api) {
    return respondWithDefaultHeaders(SecurityHeaders.ALL, () -> cors.wrap(observed(api)));
  }

  /**
   * Every request gets a request id (the client's X-Request-Id if it sent a sane one), echoed in
   * the response and written with any fault it causes; the routes see it as the request's
   * X-Request-Id and pass it on in their commands. Its route, status and latency are counted.
   */
  private Route observed(Route api) {
    return extractRequest(request -> {
      long began = System.nanoTime();
      String requestId = request.getHeader(REQUEST_ID_HEADER)
          .map(h -> h.value())
          .filter(id -> REQUEST_ID.matcher(id).matches())
          .orElseGet(() -> UUID.randomUUID().toString());
      String method = request.method().value();
      String route = RouteLabel.of(request.getUri().path());
      return mapResponse(
          response -> {
            metrics.httpRequest(method, route, response.status().intValue(), (System.nanoTime() - began) / 1e9);
            return response.addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId));
          },
          () -> mapRequest(
              r -> r.removeHeader(REQUEST_ID_HEADER).addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId)),
              () -> handleExceptions(exceptions, () -> handleRejections(rejections, () -> api))));
    });
  }

  private RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r -> complete(malformedBody(r.getCause())))
        .handle(
            MissingQueryParamRejection.class,
            r -> complete(Problem.validation(List.of(new FieldError(r.parameterName(), "is required"))).toResponse()))
        .handle(
            MalformedQueryParamRejection.class,
            r -> complete(Problem.validation(List.of(new FieldError(r.parameterName(), r.errorMsg()))).toResponse()))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(HttpServer::asProblem);
  }

  private static HttpResponse malformedBody(Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof EntityStreamSizeException size) {
        return tooLarge(size);
      }
      if (c instanceof JsonProcessingException json) {
        return Problem.response(StatusCodes.BAD_REQUEST, "request body is not valid: " + json.getOriginalMessage());
      }
    }
    return Problem.response(StatusCodes.BAD_REQUEST, "request body is not valid JSON");
  }

  private static HttpResponse tooLarge(EntityStreamSizeException e) {
    return Problem.response(
        StatusCodes.PAYLOAD_TOO_LARGE, "request body is larger than the limit of " + e.limit() + " bytes");
  }

  /** Akka's default rejections answer in text/plain; say the same thing as a problem document. */
  private static HttpResponse asProblem(HttpResponse response) {
    if (response.entity().getContentType().equals(Problem.CONTENT_TYPE)
        || !(response.entity() instanceof akka.http.javadsl.model.HttpEntity.Strict strict)) {
      return response;
    }
    String detail = strict.getData().utf8String();
    return Problem.of(response.status(), detail.isBlank() ? response.status().reason() : detail)
        .toResponse()
        .withHeaders(response.getHeaders());
  }

  /** A fault is logged with the request's id (set on the request by {@link #observed}). */
  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> headerValueByName(REQUEST_ID_HEADER, requestId ->
            LogContext.with(Collections.singletonMap(Traced.MDC_KEY, requestId), () -> complete(forFault(unwrap(e))))))
        .build();
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static HttpResponse forFault(Throwable e) {
    if (e instanceof EntityStreamSizeException size) {
      return tooLarge(size);
    }
    if (e instanceof PageCursor.Unusable) {
      return Problem.validation(List.of(new FieldError("after", PageCursor.NOT_A_CURSOR)))
          .toResponse();
    }
    if (e instanceof RejectedExecutionException) { // a bounded pool is full (password hashing): shed load, quietly
      log.debug("Request refused, answering 503: {}", e.getMessage());
      return Problem.response(StatusCodes.SERVICE_UNAVAILABLE, "the node is busy; retry shortly")
          .addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
    }
    if (e instanceof AskTimeoutException || e instanceof TimeoutException || e instanceof SQLException
        || e instanceof CircuitBreakerOpenException) { // the journal's breaker, open while PostgreSQL is away
      log.warn("Request failed, answering 503: {}", e.toString());
      return Problem.response(StatusCodes.SERVICE_UNAVAILABLE, "the service is temporarily unable to answer; retry shortly")
          .addHeader(RetryAfter.create(RETRY_AFTER_SECONDS));
    }
    log.error("Request failed", e);
    return Problem.response(StatusCodes.INTERNAL_SERVER_ERROR, "an unexpected error occurred; it has been logged");
  }
}
