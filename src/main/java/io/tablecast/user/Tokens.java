package io.tablecast.user;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.tablecast.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens: JWTs signed with HS256 under TOKEN_SECRET, naming the user ({@code sub}) and the
 * user's credentials version when it was issued ({@code cv}; see {@link User.State}), and
 * expiring after the configured time. Anything else — another algorithm, {@code alg: none}, another
 * key, an expired or malformed token, one not valid yet or issued in the future (beyond the allowed
 * clock skew), one whose parts are not spelled in canonical base64url — does not verify.
 */
public final class Tokens {
  private static final Logger log = LoggerFactory.getLogger(Tokens.class);
  private static final String ISSUER = "tablecast";
  /** The user's credentials version at issue; a token without it (issued before there was one) counts as 0. */
  private static final String CREDENTIALS_VERSION = "cv";
  private static final String SECRET_FILE = "token-secret";
  private static final int SECRET_BYTES = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** Tokens verified before, kept so that a client's next request skips parsing and the MAC. */
  private static final int VERIFIED_KEPT = 10_000;

  /** What a verified token says: whose it is, and that user's credentials version when it was issued. */
  public record Claims(UUID userId, long credentialsVersion) {}

  private record Verified(Claims claims, Instant expires) {}

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final Duration ttl;
  private final Duration clockSkew;
  private final Map<String, Verified> verified = new ConcurrentHashMap<>();

  /** {@code clockSkew}: how far ahead of this node's clock another node's may be (for {@code iat} and {@code nbf}). */
  Tokens(byte[] secret, Duration ttl, Duration clockSkew) {
    try {
      this.signer = new MACSigner(secret);
      this.verifier = new MACVerifier(secret);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the token secret must be at least 32 bytes", e);
    }
    this.ttl = ttl;
    this.clockSkew = clockSkew;
  }

  /** TOKEN_SECRET, or in development a random secret generated once and kept in the data directory. */
  public static Tokens from(Settings settings) {
    String configured = settings.auth().tokenSecret();
    if (!configured.isEmpty()) {
      return new Tokens(configured.getBytes(StandardCharsets.UTF_8), settings.auth().tokenTtl(), settings.auth().clockSkew());
    }
    if (settings.production()) {
      throw new IllegalStateException("production mode needs a token secret: set TOKEN_SECRET");
    }
    return new Tokens(developmentSecret(settings.dataDir()), settings.auth().tokenTtl(), settings.auth().clockSkew());
  }

  /**
   * The secret in {@code <dataDir>/token-secret}, readable by its owner only. A new one is written
   * to a private temporary file and linked into place, so that no reader ever sees it partly
   * written or readable by others, and of nodes sharing the directory the first one's secret wins.
   * A file left readable by others (as earlier versions wrote it) is tightened.
   */
  private static synchronized byte[] developmentSecret(Path dataDir) {
    Path file = dataDir.resolve(SECRET_FILE);
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    try {
      if (!Files.exists(file)) {
        Files.createDirectories(dataDir);
        createSecret(file, posix);
      } else if (posix && !Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        log.warn("The development token secret {} was readable by others: now by its owner only", file);
      }
      return Files.readString(file).trim().getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the development token secret in " + file, e);
    }
  }

  private static void createSecret(Path file, boolean posix) throws IOException {
    byte[] random = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(random);
    FileAttribute<?>[] ownerOnly = posix
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
    Path written = Files.createTempFile(file.getParent(), SECRET_FILE, ".new", ownerOnly);
    try {
      Files.writeString(written, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      Files.createLink(file, written);
      log.info("No TOKEN_SECRET set: generated a development token secret in {}", file);
    } catch (FileAlreadyExistsException e) {
      log.info("Another node generated the development token secret in {} meanwhile: using it", file);
    } finally {
      Files.deleteIfExists(written);
    }
  }

  public Duration ttl() {
    return ttl;
  }

  public String issue(UUID userId, long credentialsVersion) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .subject(userId.toString())
        .claim(CREDENTIALS_VERSION, credentialsVersion)
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
   * What a token says, if it is ours, untampered, unexpired and already valid. A
   * token that verified once is remembered (exactly that string, up to {@value #VERIFIED_KEPT} of
   * them) until it expires: parsing and checking it again would give the same answer. Whether its
   * user may still act is not part of this; callers ask the user every time.
   */
  public Optional<Claims> verify(String token) {
    Instant now = Instant.now();
    Verified known = verified.get(token);
    if (known != null) {
      return known.expires().isAfter(now) ? Optional.of(known.claims()) : Optional.empty();
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!canonical(jwt.getParsedParts()) || !JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())
          || !jwt.verify(verifier)) {
        return Optional.empty();
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date expires = claims.getExpirationTime();
      if (expires == null || !expires.toInstant().isAfter(now) || !ISSUER.equals(claims.getIssuer())
          || !begun(claims, now)) {
        return Optional.empty();
      }
      Long credentialsVersion = claims.getLongClaim(CREDENTIALS_VERSION);
      Claims said = new Claims(UUID.fromString(claims.getSubject()), credentialsVersion == null ? 0 : credentialsVersion);
      remember(token, new Verified(said, expires.toInstant()));
      return Optional.of(said);
    } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  /**
   * Each part is exactly the unpadded base64url encoding of its bytes. Decoders ignore padding and
   * a last character's unused bits, so without this check one signature has several spellings that
   * all verify: distinct strings for one token, each one taken for a token never issued.
   */
  private static boolean canonical(Base64URL[] parts) {
    for (Base64URL part : parts) {
      if (!Base64URL.encode(part.decode()).toString().equals(part.toString())) {
        return false;
      }
    }
    return true;
  }

  /** Issued ({@code iat}, required) and valid ({@code nbf}, if any) by now, give or take the clock skew between nodes. */
  private boolean begun(JWTClaimsSet claims, Instant now) {
    Instant latest = now.plus(clockSkew);
    Date issued = claims.getIssueTime();
    Date notBefore = claims.getNotBeforeTime();
    return issued != null && !issued.toInstant().isAfter(latest)
        && (notBefore == null || !notBefore.toInstant().isAfter(latest));
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
