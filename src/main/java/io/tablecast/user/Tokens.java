package io.tablecast.user;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tablecast.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens: JWTs signed with HS256 under TOKEN_SECRET, naming the user ({@code sub}) and
 * expiring after the configured time. Anything else — another algorithm, {@code alg: none}, another
 * key, an expired or malformed token — does not verify.
 */
public final class Tokens {
  private static final Logger log = LoggerFactory.getLogger(Tokens.class);
  private static final String ISSUER = "tablecast";
  private static final String SECRET_FILE = "token-secret";

  /** Tokens verified before, kept so that a client's next request skips parsing and the MAC. */
  private static final int VERIFIED_KEPT = 10_000;

  private record Verified(UUID userId, Instant expires) {}

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Duration ttl;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  Tokens(byte[] secret, Duration ttl) {
    try {
      this.signer = new MACSigner(secret);
      this.verifier = new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the token secret must be at least 32 bytes", e);
    }
    this.ttl = ttl;
  }

  /** TOKEN_SECRET, or in development a random secret generated once and kept in the data directory. */
  public static Tokens from(Settings settings) {
    String configured = settings.auth().tokenSecret();
    if (!configured.isEmpty()) {
      return new Tokens(configured.getBytes(StandardCharsets.UTF_8), settings.auth().tokenTtl());
    }
    if (settings.production()) {
      throw new IllegalStateException("production mode needs a token secret: set TOKEN_SECRET");
    }
    return new Tokens(developmentSecret(settings.dataDir()), settings.auth().tokenTtl());
  }

  private static synchronized byte[] developmentSecret(Path dataDir) {
    Path file = dataDir.resolve(SECRET_FILE);
    try {
      if (!Files.exists(file)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.createDirectories(dataDir);
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        log.info("No TOKEN_SECRET set: generated a development token secret in {}", file);
      }
      return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the development token secret in " + file, e);
    }
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(UUID userId) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(userId.toString())
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(ttl)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
    return jwt.serialize();
  }

  /**
   * The user a token was issued to, if it is ours, untampered and unexpired. A token that
   * verified once is remembered (exactly that string, up to {@value #VERIFIED_KEPT} of them) until
   * it expires: parsing and checking it again would give the same answer. Whether its user may
   * still act is not part of this; callers ask the user every time.
   */
  public Optional<UUID> verify(String token) {
    Instant now = Instant.now();
    Verified known = verified.get(token);
    if (known != null) {
      return known.expires().isAfter(now) ? Optional.of(known.userId()) : Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expires = claims.getExpirationTime();
      if (expires == null || !expires.toInstant().isAfter(now) || !ISSUER.equals(claims.getIssuer())) {
        return Optional.empty();
      }
      UUID userId = UUID.fromString(claims.getSubject());
      remember(token, new Verified(userId, expires.toInstant()));
      return Optional.of(userId);
    } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /** Keeps a verified token; when full, forgets the expired ones, and all if none had expired. */
  private void remember(String token, Verified result) {
    if (verified.size() >= VERIFIED_KEPT) {
      Instant now = Instant.now();
      verified.values().removeIf(v -> !v.expires().isAfter(now));
      if (verified.size() >= VERIFIED_KEPT) {
        verified.clear();
      }
    }
    verified.put(token, result);
  }
}
