package io.tablecast.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tablecast.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Access tokens and where their secret comes from. */
class TokensTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final Duration SKEW = Duration.ofSeconds(30);
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
    String token = Tokens.from(dev).issue(UUID.randomUUID(), 0);
    assertTrue(Files.exists(dataDir.resolve("token-secret")));
    assertTrue(Tokens.from(dev).verify(token).isPresent(), "a token outlives a restart");
  }

  @Test
  void onlyUnexpiredHs256TokensUnderOurKeyVerify() {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    UUID user = UUID.randomUUID();
    assertEquals(Optional.of(user), userOf(tokens, tokens.issue(user, 0)));
    Tokens otherKey = new Tokens("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    assertEquals(Optional.empty(), userOf(tokens, otherKey.issue(user, 0)));
    Tokens expired = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(-1), SKEW);
    assertEquals(Optional.empty(), userOf(tokens, expired.issue(user, 0)));
    String[] parts = tokens.issue(user, 0).split("\\.");
    String none = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), userOf(tokens, none + "." + parts[1] + "."));
    assertEquals(Optional.empty(), userOf(tokens, "not.a.token"));
    assertEquals(Optional.empty(), userOf(tokens, ""));
  }

  @Test
  void aRememberedTokenStillExpiresAndATamperedCopyIsNotTakenForIt() throws Exception {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2), SKEW);
    UUID user = UUID.randomUUID();
    String token = tokens.issue(user, 0);
    assertEquals(Optional.of(user), userOf(tokens, token));
    assertEquals(Optional.of(user), userOf(tokens, token), "verified again, from memory");
    String[] parts = token.split("\\.");
    String otherUser = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        ("{\"iss\":\"tablecast\",\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":9999999999}").getBytes(StandardCharsets.UTF_8));
    assertEquals(Optional.empty(), userOf(tokens, parts[0] + "." + otherUser + "." + parts[2]));
    Thread.sleep(2_100); // the JWT's expiry has a resolution of a second; two seconds pass it for sure
    assertEquals(Optional.empty(), userOf(tokens, token), "a remembered token expires like any other");
  }

  @Test
  void theDevelopmentSecretIsReadableByItsOwnerOnly() throws Exception {
    Settings dev = settings(Map.of("tablecast.data-dir", dataDir.toString(), "tablecast.auth.token-secret", ""));
    Tokens.from(dev);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("token-secret"))));
  }

  @Test
  void aSecretFileReadableByOthersIsTightenedAtStartAndKept() throws Exception {
    Path file = dataDir.resolve("token-secret");
    String secret = "kept-secret-kept-secret-kept-secret-0123";
    Files.writeString(file, secret);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Settings dev = settings(Map.of("tablecast.data-dir", dataDir.toString(), "tablecast.auth.token-secret", ""));
    String token = Tokens.from(dev).issue(UUID.randomUUID(), 0);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(secret, Files.readString(file), "the secret itself is kept");
    Tokens same = new Tokens(secret.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    assertTrue(same.verify(token).isPresent(), "tokens are signed with the kept secret");
  }

  /**
   * An HS256 signature is 32 bytes, 43 base64url characters: the last one carries 4 bits of the
   * signature and 2 unused bits. Only the canonical spelling (unused bits zero, no padding) verifies.
   */
  @Test
  void onlyTheCanonicalEncodingOfTheSignatureVerifies() {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    UUID user = UUID.randomUUID();
    String token = tokens.issue(user, 0);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int last = alphabet.indexOf(token.charAt(token.length() - 1));
    assertEquals(0, last & 0b11, "a canonical last character has its unused bits zero");
    for (int unused = 1; unused < 4; unused++) {
      String altered = token.substring(0, token.length() - 1) + alphabet.charAt(last | unused);
      assertEquals(Optional.empty(), userOf(tokens, altered), "altered unused bits: " + altered.substring(altered.length() - 3));
    }
    assertEquals(Optional.empty(), userOf(tokens, token + "="), "padding");
    assertEquals(Optional.empty(), userOf(tokens, token + "=="), "padding");
    assertEquals(Optional.of(user), userOf(tokens, token), "the canonical token still verifies");
  }

  @Test
  void aTokenNotYetValidOrIssuedInTheFutureDoesNotVerify() throws Exception {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    UUID user = UUID.randomUUID();
    Instant now = Instant.now();
    Instant later = now.plus(Duration.ofMinutes(10));
    assertEquals(Optional.empty(), userOf(tokens, signed(user, now, later, now.plus(Duration.ofHours(1)))), "nbf in the future");
    assertEquals(Optional.empty(), userOf(tokens, signed(user, later, null, now.plus(Duration.ofHours(1)))), "iat in the future");
    assertEquals(Optional.empty(), userOf(tokens, signed(user, null, null, now.plus(Duration.ofHours(1)))), "no iat");
    Instant withinSkew = now.plusSeconds(5);
    assertEquals(Optional.of(user), userOf(tokens, signed(user, withinSkew, withinSkew, now.plus(Duration.ofHours(1)))),
        "another node's clock a little ahead");
    assertEquals(Optional.of(user), userOf(tokens, signed(user, now.minusSeconds(60), now.minusSeconds(60), now.plus(Duration.ofHours(1)))));
  }

  @Test
  void aTokenCarriesTheCredentialsVersionItWasIssuedAtAndOneWithoutItCountsAsZero() throws Exception {
    Tokens tokens = new Tokens(SECRET.getBytes(StandardCharsets.UTF_8), Duration.ofMinutes(5), SKEW);
    UUID user = UUID.randomUUID();
    String token = tokens.issue(user, 7);
    assertEquals(Optional.of(new Tokens.Claims(user, 7)), tokens.verify(token));
    assertEquals(Optional.of(new Tokens.Claims(user, 7)), tokens.verify(token), "remembered with its claims");
    Instant now = Instant.now();
    assertEquals(Optional.of(new Tokens.Claims(user, 0)), tokens.verify(signed(user, now, null, now.plusSeconds(60))),
        "a token issued before tokens carried the claim");
  }

  private static Optional<UUID> userOf(Tokens tokens, String token) {
    return tokens.verify(token).map(Tokens.Claims::userId);
  }

  /** A token signed with our key whose times are set by the test. */
  private static String signed(UUID user, Instant issued, Instant notBefore, Instant expires) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("tablecast").subject(user.toString())
        .expirationTime(Date.from(expires));
    if (issued != null) {
      claims.issueTime(Date.from(issued));
    }
    if (notBefore != null) {
      claims.notBeforeTime(Date.from(notBefore));
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
    jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
