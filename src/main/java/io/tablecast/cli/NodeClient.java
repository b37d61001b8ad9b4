package io.tablecast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tablecast.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The admin API of a running node, for the `projections` commands and the benchmarks that start a node. */
public final class NodeClient {
  /** A failed call, with the exit code it should end the command with. */
  public static final class Failure extends Exception {
    public final int exitCode;

    Failure(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public NodeClient(String base, String token) {
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  /** Signs in (POST /api/auth/token) and returns the access token. */
  public static String signIn(String base, String email, String password) throws Failure {
    var body = Json.MAPPER.createObjectNode().put("email", email).put("password", password).toString();
    JsonNode token = new NodeClient(base, null).send(HttpRequest.newBuilder(URI.create(base + "/api/auth/token"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    return token.get("access_token").asText();
  }

  public JsonNode get(String path) throws Failure {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public JsonNode post(String path) throws Failure {
    return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  public JsonNode delete(String path) throws Failure {
    return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
  }

  private JsonNode send(HttpRequest.Builder request) throws Failure {
    request.timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
    if (token != null && !token.isBlank()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Failure("cannot reach " + base + ": " + e, ExitCodes.UNAVAILABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted", ExitCodes.UNAVAILABLE);
    }
    JsonNode body = parse(response.body());
    if (response.statusCode() >= 400) {
      String detail = body != null && body.hasNonNull("detail") ? body.get("detail").asText() : response.body();
      throw new Failure(response.statusCode() + ": " + detail,
          response.statusCode() >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED);
    }
    return body;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }
}
