package io.tablecast.http;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.PathMatchers;
import akka.http.javadsl.server.Route;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * GET /api/openapi.json, without a token: the OpenAPI 3.1 document of the whole HTTP API, as the
 * jar ships it (src/main/resources/openapi.json). OpenApiIT keeps it and the routes in step.
 */
public final class OpenApi {
  public static final String RESOURCE = "/openapi.json";

  private OpenApi() {}

  public static Route route() {
    HttpResponse response = HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, document()));
    return Directives.path(PathMatchers.segment("api").slash("openapi.json"), () -> Directives.get(() -> Directives.complete(response)));
  }

  /** The document's bytes; a jar without it is a broken build, so this fails the start. */
  public static byte[] document() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
