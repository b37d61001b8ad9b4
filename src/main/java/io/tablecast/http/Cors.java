package io.tablecast.http;

import akka.http.javadsl.model.HttpMethods;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import io.tablecast.Settings;
import java.util.List;
import java.util.Optional;

/**
 * Cross-origin access for browsers, off unless origins are configured (CORS_ALLOWED_ORIGINS).
 * An allowed origin gets Access-Control-* headers and answered preflights; any other origin gets
 * no CORS headers at all, so browsers keep the same-origin policy.
 */
public final class Cors extends AllDirectives {
  private static final String METHODS = "GET, POST, PATCH, DELETE";
  private static final String REQUEST_HEADERS = "Authorization, Content-Type, If-Match";
  private static final String EXPOSED_HEADERS = "ETag, Location, Retry-After";

  private final Settings.Cors settings;

  public Cors(Settings.Cors settings) {
    this.settings = settings;
  }

  public Route wrap(Route inner) {
    if (settings.allowedOrigins().isEmpty()) {
      return inner;
    }
    return optionalHeaderValueByName("Origin", origin -> {
      Optional<String> allowed = allowed(origin);
      if (allowed.isEmpty()) {
        return inner;
      }
      return extractRequest(request -> {
        boolean preflight = request.method().equals(HttpMethods.OPTIONS)
            && request.getHeader("Access-Control-Request-Method").isPresent();
        return preflight ? complete(preflight(allowed.get())) : respondWithHeaders(actual(allowed.get()), () -> inner);
      });
    });
  }

  private Optional<String> allowed(Optional<String> origin) {
    return origin.filter(settings.allowedOrigins()::contains);
  }

  private HttpResponse preflight(String origin) {
    return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT).addHeaders(List.of(
        RawHeader.create("Access-Control-Allow-Origin", origin),
        RawHeader.create("Access-Control-Allow-Methods", METHODS),
        RawHeader.create("Access-Control-Allow-Headers", REQUEST_HEADERS),
        RawHeader.create("Access-Control-Max-Age", Long.toString(settings.maxAge().toSeconds())),
        RawHeader.create("Vary", "Origin")));
  }

  private static List<akka.http.javadsl.model.HttpHeader> actual(String origin) {
    return List.of(
        RawHeader.create("Access-Control-Allow-Origin", origin),
        RawHeader.create("Access-Control-Expose-Headers", EXPOSED_HEADERS),
        RawHeader.create("Vary", "Origin"));
  }
}
