package io.tablecast.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for the API under test: no Akka on the client side. */
public final class Api {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> JSON_BODY = Map.of("Content-Type", "application/json");

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final Map<String, String> defaults;

  public Api(String base) {
    this(base, Map.of());
  }

  private Api(String base, Map<String, String> defaults) {
    this.base = base;
    this.defaults = defaults;
  }

  /** The same API, every request sent with {@code Authorization: Bearer <token>}. */
  public Api withToken(String token) {
    return new Api(base, Map.of("Authorization", "Bearer " + token));
  }

  /** The same API, every request sent with this Authorization header (or none when null). */
  public Api withAuthorization(String header) {
    return new Api(base, header == null ? Map.of() : Map.of("Authorization", header));
  }

  public record Response(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + raw.body(), e);
      }
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String contentType() {
      return header("Content-Type");
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), Map.of());
  }

  public Response post(String path, String json) {
    return send(HttpRequest.newBuilder(uri(path)).POST(body(json)), JSON_BODY);
  }

  public Response patch(String path, String json) {
    return patch(path, json, JSON_BODY);
  }

  public Response patch(String path, String json, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(JSON_BODY);
    all.putAll(headers);
    return send(HttpRequest.newBuilder(uri(path)).method("PATCH", body(json)), all);
  }

  public Response put(String path, String json) {
    return put(path, json, Map.of());
  }

  public Response put(String path, String json, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(JSON_BODY);
    all.putAll(headers);
    return send(HttpRequest.newBuilder(uri(path)).PUT(body(json)), all);
  }

  public Response delete(String path) {
    return send(HttpRequest.newBuilder(uri(path)).DELETE(), Map.of());
  }

  public Response post(String path, String json, Map<String, String> headers) {
    Map<String, String> all = new java.util.HashMap<>(JSON_BODY);
    all.putAll(headers);
    return send(HttpRequest.newBuilder(uri(path)).POST(body(json)), all);
  }

  public Response send(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
    return send(b, headers);
  }

  /** Any method, raw body bytes, content type (null: none) and extra headers. */
  public Response send(String method, String path, String contentType, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b, headers);
  }

  private static HttpRequest.BodyPublisher body(String json) {
    return HttpRequest.BodyPublishers.ofString(json);
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }

  private Response send(HttpRequest.Builder request, Map<String, String> headers) {
    request.timeout(Duration.ofSeconds(30));
    defaults.forEach(request::header);
    headers.forEach(request::header);
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
