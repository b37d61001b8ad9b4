package io.tablecast.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.ETag;
import akka.http.javadsl.model.headers.EntityTag;
import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.FieldError;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** Directives every resource's routes share: ids in paths, If-Match versions, ETags, field errors. */
public abstract class ApiDirectives extends AllDirectives {

  /** A path id that is not a UUID names no resource: 404. */
  protected Route uuid(String text, String resource, Function<UUID, Route> inner) {
    Optional<UUID> id = Ids.parse(text);
    return id.isPresent()
        ? inner.apply(id.get())
        : complete(Problem.response(StatusCodes.NOT_FOUND, "no " + resource + " has the id '" + text + "': ids are UUIDs"));
  }

  /** {@code If-Match: "3"} (or 3): the write applies only if the resource is still at version 3. */
  protected Route ifMatch(Function<Long, Route> inner) {
    return optionalHeaderValueByName("If-Match", header -> {
      if (header.isEmpty() || header.get().trim().equals("*")) {
        return inner.apply(null);
      }
      String value = header.get().trim().replace("W/", "").replace("\"", "");
      try {
        return inner.apply(Long.parseLong(value));
      } catch (NumberFormatException e) {
        return complete(Problem.response(StatusCodes.BAD_REQUEST, "If-Match must be a version, such as \"3\""));
      }
    });
  }

  /** The request's id (X-Request-Id, as {@link HttpServer} assigned it), for the commands it sends; null outside it. */
  protected Route requestId(Function<String, Route> inner) {
    return optionalHeaderValueByName(HttpServer.REQUEST_ID_HEADER, id -> inner.apply(id.orElse(null)));
  }

  protected static HttpResponse withETag(HttpResponse response, long version) {
    return response.addHeader(ETag.create(EntityTag.create(Long.toString(version), false)));
  }

  protected Route invalid(List<FieldError> errors) {
    return complete(Problem.validation(errors).toResponse());
  }

  /**
   * A JSON object body read field by field ({@link JsonFields}); anything but an object is 400.
   * {@code inner} reads the fields, adds what its rules say, and answers: with the field errors
   * collected in {@code errors} (400) if there are any, else with {@code accepted}.
   */
  protected Route fields(JsonNode body, Set<String> known, Function<JsonFields, Route> inner) {
    if (!JsonFields.isObject(body)) {
      return complete(Problem.response(StatusCodes.BAD_REQUEST, "request body must be a JSON object"));
    }
    return inner.apply(new JsonFields(body, known, new ArrayList<>()));
  }

  /** The answer once a body's fields are read: 400 with their errors, or {@code accepted}. */
  protected Route whenValid(JsonFields fields, Supplier<Route> accepted) {
    return fields.errors().isEmpty() ? accepted.get() : invalid(fields.errors());
  }

  /** {@code include_deleted} and {@code min_version} of a read by id; 400 for bad values. */
  protected Route readById(Map<String, String> query, BiFunction<Boolean, Long, Route> inner) {
    List<FieldError> errors = new ArrayList<>();
    boolean includeDeleted = ListParams.bool(query, "include_deleted", errors);
    long minVersion = MinVersion.parse(query, errors);
    return errors.isEmpty() ? inner.apply(includeDeleted, minVersion) : invalid(errors);
  }
}
