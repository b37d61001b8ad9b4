package io.tablecast.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BearerTokenTest {
  /** What the header parsing was before it was written by hand: trim, split on whitespace. */
  private static Optional<String> byRegex(String header) {
    String[] parts = header.trim().split("\\s+");
    return parts.length == 2 && parts[0].equalsIgnoreCase("Bearer") ? Optional.of(parts[1]) : Optional.empty();
  }

  @Test
  void takesTheTokenOfTheBearerSchemeOnly() {
    assertEquals(Optional.of("eyJ.a.b"), Authentication.bearerToken("Bearer eyJ.a.b"));
    assertEquals(Optional.of("t"), Authentication.bearerToken("  bEARER \t t \r\n"));
    for (String refused : List.of("", " ", "Bearer", "Bearer ", "Bearer a b", "Basic dXNlcjpwYXNz", "Bearerx t",
        "Beare t", "t", " Bearer\u000B")) {
      assertEquals(Optional.empty(), Authentication.bearerToken(refused), "'" + refused + "'");
    }
  }

  @Test
  void agreesWithTheRegularExpressionItReplaced() {
    String alphabet = "Bb eEaArR\t\n\u000B\f\rxy.\u0001";
    Random random = new Random(6);
    for (int i = 0; i < 200_000; i++) {
      StringBuilder header = new StringBuilder(random.nextBoolean() ? "Bearer" : "");
      for (int n = random.nextInt(12); n > 0; n--) {
        header.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String h = header.toString();
      assertEquals(byRegex(h), Authentication.bearerToken(h), "'" + h + "'");
    }
  }
}
