package io.tablecast.http;

import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import io.tablecast.FieldError;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every query parameter of a request, checked once before any route reads it, as request bodies
 * are ({@link Json}): names and values are percent-encoded UTF-8 with no NUL character and no lone
 * surrogate (PostgreSQL text cannot hold them: such a filter failed in the database), and a
 * parameter that takes one value is given at most once (else one of its values would be silently
 * dropped). Routes then check what their own parameters mean.
 */
public final class QueryParameters {
  static final String NOT_UTF_8 = "must be percent-encoded UTF-8";
  static final String NOT_TEXT = "must be valid Unicode text without the NUL character (%00)";
  static final String REPEATED = "must be given at most once";

  private QueryParameters() {}

  /**
   * The API's routes: every parameter takes one value. It takes the route built, not a supplier:
   * a supplier here runs on every request, and building the API's routes per request (the OpenAPI
   * document's route reads the document) doubled what a request cost the service.
   */
  public static Route singleValued(Route inner) {
    return checked(Set.of(), () -> inner);
  }

  /** A route whose parameters named in {@code repeatable} may be given several times. */
  public static Route checked(Set<String> repeatable, Supplier<Route> inner) {
    return Directives.extractUri(uri -> {
      List<FieldError> errors = errors(uri.rawQueryString().orElse(""), repeatable);
      return errors.isEmpty() ? inner.get() : Directives.complete(Problem.validation(errors).toResponse());
    });
  }

  /**
   * What is wrong with a raw (still percent-encoded) query string, one error per parameter. A name
   * that is not valid text is reported as it was sent, so that the answer does not echo it decoded.
   */
  static List<FieldError> errors(String rawQuery, Set<String> repeatable) {
    Map<String, FieldError> errors = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String parameter : rawQuery.split("&")) {
      if (parameter.isEmpty()) {
        continue;
      }
      int equals = parameter.indexOf('=');
      String rawName = equals < 0 ? parameter : parameter.substring(0, equals);
      Optional<String> name = decode(rawName);
      if (name.isEmpty()) {
        errors.putIfAbsent(rawName, new FieldError(rawName, NOT_UTF_8));
        continue;
      }
      if (!Json.storable(name.get())) {
        errors.putIfAbsent(rawName, new FieldError(rawName, NOT_TEXT));
        continue;
      }
      String field = name.get();
      Optional<String> value = decode(equals < 0 ? "" : parameter.substring(equals + 1));
      if (value.isEmpty()) {
        errors.putIfAbsent(field, new FieldError(field, NOT_UTF_8));
      } else if (!Json.storable(value.get())) {
        errors.putIfAbsent(field, new FieldError(field, NOT_TEXT));
      } else if (!seen.add(field) && !repeatable.contains(field)) {
        errors.putIfAbsent(field, new FieldError(field, REPEATED));
      }
    }
    return new ArrayList<>(errors.values());
  }

  /** Percent-decoding as Akka HTTP's query does ({@code +} is a space), but strict: no broken escapes, only UTF-8. */
  static Optional<String> decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
        if (low < 0) {
          return Optional.empty();
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        return Optional.empty(); // not percent-encoded (Akka HTTP's strict request-target parser lets none through)
      }
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
