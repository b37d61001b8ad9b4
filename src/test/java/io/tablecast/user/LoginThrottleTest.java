package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Failed logins hold back the client that failed, for that email only, and nobody else. */
class LoginThrottleTest {
  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final String EMAIL = "admin@example.com";
  private final Instant now = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theClientThatFailedWaitsAndOthersDoNot() {
    LoginThrottle throttle = new LoginThrottle(5, WINDOW, 100);
    for (int i = 0; i < 5; i++) {
      assertEquals(Optional.empty(), throttle.retryAfter(EMAIL, "10.0.0.1", now));
      throttle.failed(EMAIL, "10.0.0.1", now.plusSeconds(i));
    }
    assertEquals(Optional.of(WINDOW.minusSeconds(5)), throttle.retryAfter(EMAIL, "10.0.0.1", now.plusSeconds(5)));
    assertEquals(Optional.empty(), throttle.retryAfter(EMAIL, "10.0.0.2", now.plusSeconds(5)), "the owner, elsewhere");
    assertEquals(Optional.empty(), throttle.retryAfter("other@example.com", "10.0.0.1", now.plusSeconds(5)),
        "the guesser, for another email");
    throttle.succeeded(EMAIL, "10.0.0.2");
    assertTrue(throttle.retryAfter(EMAIL, "10.0.0.1", now.plusSeconds(5)).isPresent(),
        "another client's success does not clear the guesser's failures");
    assertEquals(Optional.empty(), throttle.retryAfter(EMAIL, "10.0.0.1", now.plus(WINDOW)), "until the window passes");
  }

  @Test
  void aSuccessClearsThatClientsCount() {
    LoginThrottle throttle = new LoginThrottle(2, WINDOW, 100);
    throttle.failed(EMAIL, "10.0.0.1", now);
    throttle.succeeded(EMAIL, "10.0.0.1");
    throttle.failed(EMAIL, "10.0.0.1", now);
    assertEquals(Optional.empty(), throttle.retryAfter(EMAIL, "10.0.0.1", now));
  }

  @Test
  void itRemembersAtMostSoManyPairs() {
    LoginThrottle throttle = new LoginThrottle(1, WINDOW, 10);
    for (int i = 0; i < 1_000; i++) {
      throttle.failed("user" + i + "@example.com", "10.0.0.1", now);
    }
    int remembered = 0;
    for (int i = 0; i < 1_000; i++) {
      if (throttle.retryAfter("user" + i + "@example.com", "10.0.0.1", now).isPresent()) {
        remembered++;
      }
    }
    assertTrue(remembered <= 11, "remembered: " + remembered);
  }
}
