package io.tablecast.user;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import io.tablecast.Settings;
import java.util.UUID;

/**
 * Argon2id password hashes in their encoded form ({@code $argon2id$v=19$m=..,t=..,p=..$salt$hash}),
 * so a hash made with older cost settings still verifies. Hashing is CPU- and memory-heavy: call it
 * off the default dispatcher.
 */
public final class Passwords {
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;

  private final Argon2Function argon2;
  /** Verified against when the email is unknown, so that a wrong email costs as much as a wrong password. */
  private final String decoy;

  public Passwords(Settings.Auth settings) {
    this.argon2 = Argon2Function.getInstance(
        settings.argon2MemoryKib(), settings.argon2Iterations(), settings.argon2Parallelism(), HASH_BYTES, Argon2.ID);
    this.decoy = hash(UUID.randomUUID().toString());
  }

  public String hash(String password) {
    return Password.hash(password).addRandomSalt(SALT_BYTES).with(argon2).getResult();
  }

  public boolean matches(String password, String hash) {
    return hash != null && Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
  }

  /** Spends the time of one verification and answers no. */
  public boolean mismatch(String password) {
    matches(password, decoy);
    return false;
  }
}
