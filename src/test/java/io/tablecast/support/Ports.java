package io.tablecast.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

public final class Ports {
  /**
   * Below Linux's ephemeral range (32768-60999): a port found free there is not handed out to an
   * outgoing connection (a JDBC or HTTP client socket) before the test binds it, as a port from
   * {@code new ServerSocket(0)} can be.
   */
  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;

  private Ports() {}

  public static int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new UncheckedIOException(new IOException("no free port between " + LOWEST + " and " + HIGHEST));
  }
}
