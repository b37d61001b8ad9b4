package io.tablecast.http;

import akka.event.LoggingAdapter;
import akka.http.ParsingErrorHandler;
import akka.http.javadsl.model.HttpResponse;
import akka.http.scaladsl.model.ErrorInfo;
import akka.http.scaladsl.model.StatusCode;
import akka.http.scaladsl.settings.ServerSettings;

/**
 * A request Akka HTTP cannot parse (a broken percent escape in its target, a target over
 * {@code max-uri-length}, a malformed header) never reaches a route: it is answered here, as a
 * problem document with the security headers like every other answer (configured as
 * {@code akka.http.server.parsing.error-handler}). Its status is Akka's.
 */
public final class ParsingErrors extends ParsingErrorHandler {
  @Override
  public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
    // The client's mistake, as other bad input: not worth a warning. The summary names no value.
    if (log.isDebugEnabled()) {
      log.debug("Unparsable request, answered {}: {}", status.intValue(), info.summary());
    }
    return Problem.response(status, info.formatPretty()).addHeaders(SecurityHeaders.ALL);
  }
}
