package io.tablecast.user;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed password checks per email and client on this node: after {@code max} failures within
 * {@code window}, that client's further attempts for that email are refused (429) until the oldest
 * of them leaves the window. Counting per client is what keeps this from being a lock anyone can
 * put on anyone's account: another client (the owner, elsewhere) is not held back by the guesser's
 * failures. The guesser's own budget of password checks is {@link ClientBudget}. A success clears
 * that client's count for the email.
 */
final class LoginThrottle {
  private record Key(String email, String client) {}

  private final int max;
  private final Duration window;
  private final int maxTracked;
  private final ConcurrentHashMap<Key, Deque<Instant>> failures = new ConcurrentHashMap<>();

  LoginThrottle(int max, Duration window, int maxTracked) {
    this.max = max;
    this.window = window;
    this.maxTracked = maxTracked;
  }

  /** How long the client must wait before it may try the email again, if it must. */
  Optional<Duration> retryAfter(String email, String client, Instant now) {
    Deque<Instant> times = failures.get(new Key(email, client));
    if (times == null) {
      return Optional.empty();
    }
    synchronized (times) {
      prune(times, now);
      if (times.size() < max) {
        return Optional.empty();
      }
      return Optional.of(Duration.between(now, times.peekFirst().plus(window)));
    }
  }

  void failed(String email, String client, Instant now) {
    Deque<Instant> times = failures.computeIfAbsent(new Key(email, client), k -> new ArrayDeque<>());
    synchronized (times) {
      prune(times, now);
      times.addLast(now);
    }
    if (failures.size() > maxTracked) {
      failures.values().removeIf(t -> {
        synchronized (t) {
          prune(t, now);
          return t.isEmpty();
        }
      });
      // Still full of recent failures: forgetting them all bounds the memory; filling the table
      // again takes that many hashed attempts, which the clients' budgets spread over time.
      if (failures.size() > maxTracked) {
        failures.clear();
      }
    }
  }

  void succeeded(String email, String client) {
    failures.remove(new Key(email, client));
  }

  private void prune(Deque<Instant> times, Instant now) {
    while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
      times.removeFirst();
    }
  }
}
