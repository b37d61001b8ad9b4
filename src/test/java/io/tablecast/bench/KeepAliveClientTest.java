package io.tablecast.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmark's HTTP client against the JDK's HTTP server: bodies, chunks, keep-alive and close. */
class KeepAliveClientTest {
  private HttpServer server;
  private KeepAliveClient client;
  /** Client ports the server saw: one per connection. */
  private final Set<Integer> connections = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/echo", exchange -> {
      byte[] request = exchange.getRequestBody().readAllBytes();
      String answer = exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Authorization") + " " + new String(request, StandardCharsets.UTF_8);
      reply(exchange, 201, answer, false);
    });
    server.createContext("/deleted", exchange -> {
      connections.add(exchange.getRemoteAddress().getPort());
      exchange.sendResponseHeaders(204, -1); // no body and no Content-Length, as akka-http answers a DELETE
      exchange.close();
    });
    server.createContext("/chunked", exchange -> reply(exchange, 200, "ü".repeat(5000), true));
    server.createContext("/close", exchange -> {
      exchange.getResponseHeaders().add("Connection", "close");
      reply(exchange, 503, "bye", false);
    });
    server.start();
    client = new KeepAliveClient("http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5));
  }

  private void reply(HttpExchange exchange, int status, String body, boolean chunked) throws IOException {
    connections.add(exchange.getRemoteAddress().getPort());
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @AfterEach
  void stop() {
    client.close();
    server.stop(0);
  }

  @Test
  void sendsRequestsAndReadsFixedLengthAndChunkedBodiesOverOneConnection() throws IOException {
    Map<String, String> headers = Map.of("Authorization", "Bearer t");
    KeepAliveClient.Response posted = client.post("/echo?x=1", headers, "{\"title\":\"é\"}");
    assertEquals(new KeepAliveClient.Response(201, "POST /echo?x=1 Bearer t {\"title\":\"é\"}"), posted);
    assertEquals(new KeepAliveClient.Response(201, "GET /echo Bearer t "), client.get("/echo", headers));
    assertEquals(new KeepAliveClient.Response(200, "ü".repeat(5000)), client.get("/chunked", Map.of()));
    assertEquals(1, connections.size(), "kept alive: " + connections);
  }

  @Test
  void aNoContentAnswerHasNoBodyToWaitFor() throws IOException {
    KeepAliveClient.Response deleted = client.delete("/deleted", Map.of());
    assertEquals(204, deleted.status());
    assertEquals("", deleted.body());
    assertEquals(201, client.get("/echo", Map.of()).status());
    assertEquals(1, connections.size(), "the connection stays open after a 204");
  }

  @Test
  void aConnectionTheServerClosesIsReplacedOnTheNextCall() throws IOException {
    assertEquals(503, client.get("/close", Map.of()).status());
    assertEquals(201, client.get("/echo", Map.of()).status());
    assertEquals(2, connections.size());
  }

  @Test
  void aServerThatIsGoneIsAnIoError() throws IOException {
    assertEquals(201, client.get("/echo", Map.of()).status());
    server.stop(0);
    assertThrows(IOException.class, () -> client.get("/echo", Map.of()));
  }
}
