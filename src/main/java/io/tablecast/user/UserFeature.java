package io.tablecast.user;

import akka.Done;
import akka.actor.typed.ActorSystem;
import akka.http.javadsl.server.Route;
import akka.pattern.Patterns;
import io.tablecast.FieldError;
import io.tablecast.Feature;
import io.tablecast.Node;
import io.tablecast.Settings;
import io.tablecast.http.Authenticator;
import io.tablecast.projection.ReadProjection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Users: the User entity, the users projection, /api/users and /api/auth/token, and the bootstrap
 * admin (ADMIN_EMAIL, ADMIN_PASSWORD), which exists before the node reports ready.
 */
public final class UserFeature implements Feature {
  private static final int ADMIN_ATTEMPTS = 10;
  private static final Duration ADMIN_RETRY_DELAY = Duration.ofSeconds(2);

  private Accounts accounts;

  @Override
  public List<ReadProjection<?>> projections() {
    return List.of(UserProjection.definition());
  }

  /** Who sends a request, for every feature's routes: the user a valid token names, if they may act. */
  public static Authenticator authenticator(ActorSystem<?> system) {
    return UserAuthenticator.get(system);
  }

  @Override
  public Route start(Node node) {
    validateAdmin(node.settings());
    User.init(node.system(), node.settings());
    accounts = new Accounts(node.system(), node.settings(), node.reservations(), new Passwords(node.settings().auth()));
    return new UserRoutes(node.system(), node.settings(), node.authentication(), UserAuthenticator.get(node.system()).tokens(),
        accounts, new UserQueries(node.database().dataSource())).routes();
  }

  /**
   * The bootstrap admin exists and is an admin (idempotent, retried): its email is reserved by a
   * sharded entity that may live on another node, so this needs the cluster.
   */
  @Override
  public CompletionStage<Done> whenUp(Node node) {
    Settings settings = node.settings();
    if (!bootstrapsAdmin(settings)) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return Patterns.retry(
        () -> accounts.ensureAdmin(settings.auth().adminEmail(), settings.auth().adminPassword()).thenApply(x -> Done.getInstance()),
        ADMIN_ATTEMPTS, ADMIN_RETRY_DELAY, node.system().classicSystem().scheduler(), node.system().executionContext());
  }

  private static boolean bootstrapsAdmin(Settings settings) {
    return !(settings.auth().adminEmail().isBlank() && settings.auth().adminPassword().isEmpty());
  }

  /** A bad ADMIN_EMAIL / ADMIN_PASSWORD stops the start at once, before anything runs. */
  private static void validateAdmin(Settings settings) {
    if (!bootstrapsAdmin(settings)) {
      return;
    }
    List<FieldError> errors = new ArrayList<>(User.validateEmail(User.normalizeEmail(settings.auth().adminEmail())));
    errors.addAll(User.validatePassword(settings.auth().adminPassword()));
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("ADMIN_EMAIL / ADMIN_PASSWORD: " + errors.get(0).field() + " " + errors.get(0).message());
    }
  }
}
