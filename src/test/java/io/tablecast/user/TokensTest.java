package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.tablecast.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access tokens and where their secret comes from. */
class TokensTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  @TempDir Path dataDir;

  private Settings settings(Map<String, Object> overrides) {
    Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
    return Settings.from(config);
  }

  @Test
  void productionRefusesToStartWithoutASecret() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(Map.of(
        "tablecast.mode", "production", "tablecast.auth.token-secret", "", "tablecast.database.url", "jdbc:postgresql://db/x")));
    assertTrue(e.getMessage().contains("TOKEN_SECRET"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> settings(Map.of("tablecast.auth.token-secret", "too short")));
  }

  @Test
  void developmentKeepsAGeneratedSecretInTheDataDirectory() throws Exception {
    Settings dev = settings(Map.of("tablecast.data-dir", dataDir.toString(), "tablecast.auth.token-secret", ""));
    String token = Tokens.from(dev).issue(UUID.randomUUID());
    assertTrue(Files.exists(dataDir.resolve("token-secret")));
    assertTrue(Tokens.from(dev).verify(token).isPresent(), "a token outlives a restart");
  }

  @Test
  void onlyUnexpiredHs256TokensUnderOurKeyVerify() {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
    UUID user = UUID.randomUUID();
    assertEquals(Optional.of(user), tokens.verify(tokens.issue(user)));
    Tokens otherKey = new Tokens("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5));
    assertEquals(Optional.empty(), tokens.verify(otherKey.issue(user)));
    Tokens expired = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(-1));
    assertEquals(Optional.empty(), tokens.verify(expired.issue(user)));
    String[] parts = tokens.issue(user).split("\\.");
    String none = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), tokens.verify(none + "." + parts[1] + "."));
    assertEquals(Optional.empty(), tokens.verify("not.a.token"));
    assertEquals(Optional.empty(), tokens.verify(""));
  }

  @Test
  void aRememberedTokenStillExpiresAndATamperedCopyIsNotTakenForIt() throws Exception {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
    UUID user = UUID.randomUUID();
    String token = tokens.issue(user);
    assertEquals(Optional.of(user), tokens.verify(token));
    assertEquals(Optional.of(user), tokens.verify(token), "verified again, from memory");
    String[] parts = token.split("\\.");
    String otherUser = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"iss\":\"tablecast\",\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), tokens.verify(parts[0] + "." + otherUser + "." + parts[2]));
    Thread.sleep(2_100); // the JWT's expiry has a resolution of a second; two seconds pass it for sure
    assertEquals(Optional.empty(), tokens.verify(token), "a remembered token expires like any other");
  }
}
