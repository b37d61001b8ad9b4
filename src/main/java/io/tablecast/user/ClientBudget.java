package io.tablecast.user;

import io.tablecast.Settings;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many requests that hash a password each client may send, on this node: {@code burst} at
 * once and one more every {@code refillInterval}. Hashing is what makes these requests dear (Argon2id
 * is meant to cost CPU and memory), so a client over its budget is answered before any hashing.
 *
 * <p>Each client's budget is one number, the time at which its bucket would be empty if it kept
 * spending at the refill rate (the generic cell rate algorithm): a request is allowed while that
 * time is less than {@code burst} refills ahead of now. A client whose time has passed has its
 * whole budget again, exactly like a client never seen, so it is the first to be forgotten; if the
 * table is full of clients still spending, newcomers share one budget, so that a client cycling
 * through addresses gains nothing beyond it.
 */
final class ClientBudget {
  /** Where clients beyond the table's capacity spend, together. */
  static final String OVERFLOW = "overflow";
  /** A request without a remote address (the setting that provides it is off): all such share one budget. */
  static final String UNKNOWN = "unknown";
  /** An IPv6 client is its /64 network: one host commonly has a whole /64 to pick addresses from. */
  private static final int IPV6_NETWORK_BYTES = 8;

  private final long interval;
  private final long tolerance;
  private final int maxClients;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Long> emptyAt = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  ClientBudget(Settings.ClientBudget settings) {
    this(settings, System::nanoTime);
  }

  ClientBudget(Settings.ClientBudget settings, LongSupplier nanoTime) {
    this.interval = settings.refillInterval().toNanos();
    this.tolerance = (settings.burst() - 1) * interval;
    this.maxClients = settings.maxClients();
    this.nanoTime = nanoTime;
    this.lastSweep = nanoTime.getAsLong() - interval;
  }

  /** The client a remote address stands for. */
  static String clientOf(Optional<InetAddress> address) {
    if (address.isEmpty()) {
      return UNKNOWN;
    }
    InetAddress a = address.get();
    if (a instanceof Inet6Address) {
      byte[] network = new byte[IPV6_NETWORK_BYTES];
      System.arraycopy(a.getAddress(), 0, network, 0, IPV6_NETWORK_BYTES);
      return HexFormat.of().formatHex(network) + "/64";
    }
    return a.getHostAddress();
  }

  /** Spends one request of the client's budget: empty if there was one, else how long until there is. */
  Optional<Duration> spend(String client) {
    long now = nanoTime.getAsLong();
    long[] wait = {0};
    emptyAt.compute(tracked(client, now), (key, at) -> {
      long from = at == null || at - now < 0 ? now : at;
      if (from - now > tolerance) {
        wait[0] = from - now - tolerance;
        return at;
      }
      return from + interval;
    });
    return wait[0] == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(wait[0]));
  }

  /** Clients tracked now (for tests). */
  int tracked() {
    return emptyAt.size();
  }

  private String tracked(String client, long now) {
    if (emptyAt.size() < maxClients || emptyAt.containsKey(client)) {
      return client;
    }
    // At most one sweep per refill interval: while the table stays full, new clients go to the overflow.
    if (now - lastSweep >= interval) {
      lastSweep = now;
      emptyAt.values().removeIf(at -> at - now <= 0);
    }
    return emptyAt.size() < maxClients ? client : OVERFLOW;
  }
}
