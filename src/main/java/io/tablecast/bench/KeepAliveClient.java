package io.tablecast.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's load generator: blocking HTTP/1.1 over one kept-alive connection per calling
 * thread, nothing else. The machine is shared by the service, PostgreSQL and the clients, so what
 * the clients burn is taken from the system under test: java.net.http spent about 375 µs of CPU
 * per create at 64 clients (a third of both cores), more than the service's own command handling,
 * while the raw-insert baseline's clients (pgjdbc) cost little. Not a general client: no TLS, no
 * redirects, no retries (a failed call is counted as failed by {@link Load}).
 */
final class KeepAliveClient implements AutoCloseable {
  record Response(int status, String body) {}

  private final String host;
  private final int port;
  private final String hostHeader;
  private final int timeoutMillis;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final ThreadLocal<Connection> mine = new ThreadLocal<>();

  KeepAliveClient(String baseUrl, Duration timeout) {
    URI uri = URI.create(baseUrl);
    if (!"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("the benchmark speaks plain http only: " + baseUrl);
    }
    this.host = uri.getHost();
    this.port = uri.getPort() == -1 ? 80 : uri.getPort();
    this.hostHeader = host + ":" + port;
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
  }

  Response get(String path, Map<String, String> headers) throws IOException {
    return send("GET", path, headers, null);
  }

  Response delete(String path, Map<String, String> headers) throws IOException {
    return send("DELETE", path, headers, null);
  }

  Response post(String path, Map<String, String> headers, String json) throws IOException {
    return send("POST", path, headers, json);
  }

  Response patch(String path, Map<String, String> headers, String json) throws IOException {
    return send("PATCH", path, headers, json);
  }

  private Response send(String method, String path, Map<String, String> headers, String json) throws IOException {
    Connection connection = mine.get();
    if (connection == null || connection.closed) {
      connection = new Connection(host, port, timeoutMillis);
      connections.add(connection);
      mine.set(connection);
    }
    try {
      Response response = connection.exchange(request(method, path, headers, json));
      if (connection.closed) {
        connections.remove(connection);
      }
      return response;
    } catch (IOException | RuntimeException e) {
      connection.close();
      connections.remove(connection);
      throw e;
    }
  }

  private byte[] request(String method, String path, Map<String, String> headers, String json) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
        .append(hostHeader).append("\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (json != null) {
      head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    byte[] start = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[start.length + body.length];
    System.arraycopy(start, 0, request, 0, start.length);
    System.arraycopy(body, 0, request, start.length, body.length);
    return request;
  }

  /** Closes every connection; a thread that calls again opens a new one. */
  @Override
  public void close() {
    connections.forEach(Connection::close);
    connections.clear();
  }

  private static final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private volatile boolean closed;

    Connection(String host, int port, int timeoutMillis) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = new BufferedOutputStream(socket.getOutputStream(), 4 * 1024);
    }

    Response exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
        throw new IOException("not an HTTP/1.1 response: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> { }
        }
      }
      byte[] body;
      if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
        body = new byte[0]; // never a body (RFC 9112, 6.3)
      } else if (chunked) {
        body = chunkedBody();
      } else if (length >= 0) {
        body = in.readNBytes(Math.toIntExact(length));
        if (body.length != length) {
          throw new EOFException("response body cut short");
        }
      } else {
        body = in.readAllBytes();
        close = true;
      }
      if (close) {
        close();
      }
      return new Response(status, new String(body, StandardCharsets.UTF_8));
    }

    private byte[] chunkedBody() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String size = line();
        int semicolon = size.indexOf(';');
        int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
        if (n == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        byte[] chunk = in.readNBytes(n);
        if (chunk.length != n) {
          throw new EOFException("response chunk cut short");
        }
        body.write(chunk);
        line();
      }
    }

    /** One header line without its CRLF (headers are ASCII). */
    private String line() throws IOException {
      StringBuilder line = new StringBuilder(64);
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new EOFException("connection closed by the server");
        }
        if (b != '\r') {
          line.append((char) b);
        }
      }
      return line.toString();
    }

    void close() {
      closed = true;
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
