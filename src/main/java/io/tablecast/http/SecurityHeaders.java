package io.tablecast.http;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.headers.CacheControl;
import akka.http.javadsl.model.headers.CacheDirectives;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.List;

/**
 * Headers on every API response. The API serves JSON to programs, never pages: nothing may be
 * sniffed as HTML, framed, cached by intermediaries, or run as script, and no referrer leaks.
 * (No Server header either: akka.http.server.server-header is empty.)
 */
public final class SecurityHeaders {
  private SecurityHeaders() {}

  public static final List<HttpHeader> ALL = List.of(
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      CacheControl.create(CacheDirectives.NO_STORE),
      RawHeader.create("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox"),
      RawHeader.create("X-Frame-Options", "DENY"));
}
