package io.tablecast.user;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per email on this node: after {@code max} failures within {@code window}, further
 * attempts are refused (429) until the oldest of them leaves the window. A success clears the count.
 */
final class LoginThrottle {
  private final int max;
  private final Duration window;
  private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  LoginThrottle(int max, Duration window) {
    this.max = max;
    this.window = window;
  }

  /** How long the email must wait before it may try again, if it must. */
  Optional<Duration> retryAfter(String email, Instant now) {
    Deque<Instant> times = failures.get(email);
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

  void failed(String email, Instant now) {
    Deque<Instant> times = failures.computeIfAbsent(email, e -> new ArrayDeque<>());
    synchronized (times) {
      prune(times, now);
      times.addLast(now);
    }
    if (failures.size() > 10_000) {
      failures.values().removeIf(t -> {
        synchronized (t) {
          prune(t, now);
          return t.isEmpty();
        }
      });
    }
  }

  void succeeded(String email) {
    failures.remove(email);
  }

  private void prune(Deque<Instant> times, Instant now) {
    while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
      times.removeFirst();
    }
  }
}
