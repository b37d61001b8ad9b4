package io.tablecast.http;

import java.util.concurrent.CompletionStage;

/**
 * Who a bearer token names. The users feature answers (it issues the tokens and knows the users);
 * {@link Authentication} asks it on every request that needs a user.
 */
public interface Authenticator {

  /** The token's user if they may act now, else why not. */
  CompletionStage<Outcome> authenticate(String token);

  sealed interface Outcome permits Authenticated, Refused {}

  record Authenticated(Principal principal) implements Outcome {}

  enum Refused implements Outcome {
    /** Malformed, expired, or not signed by this service: not a token at all. */
    INVALID,
    /**
     * A valid token whose user may no longer act with it: deleted or deactivated, or whose
     * credentials changed (a new password, a role taken away) since it was issued.
     */
    REVOKED
  }
}
