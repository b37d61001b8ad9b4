package io.tablecast.user;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.cluster.sharding.typed.javadsl.Entity;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tablecast.EntityLog;
import io.tablecast.EventTime;
import io.tablecast.FieldError;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.Traced;
import io.tablecast.metrics.Metrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The User aggregate. Its email is reserved cluster-wide (a {@code UniqueValue} keyed
 * {@code email:<address>}) before it is registered; its password arrives already hashed, so no
 * event ever holds a clear-text password.
 */
public final class User extends EventSourcedBehaviorWithEnforcedReplies<User.Command, User.Event, User.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "User");
  /**
   * Every user event carries the one tag {@code user-0}: the users table has a unique index on the
   * email of live users, which holds only if a deletion is applied before a later registration of
   * the same address, i.e. in journal order — which one tag stream guarantees and several do not.
   */
  public static final String TAG_PREFIX = "user";
  public static final String TAG = TAG_PREFIX + "-0";
  public static final String EMAIL_KIND = "email";
  public static final int MAX_EMAIL_LENGTH = 200;
  public static final int MIN_PASSWORD_LENGTH = 10;
  public static final int MAX_PASSWORD_LENGTH = 200;
  public static final int MAX_NAME_LENGTH = 200;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");

  // ---- commands ----

  public sealed interface Command extends JsonSerializable {}

  public record Register(
      String email, String passwordHash, String fullName, List<String> roles, String requestId, ActorRef<Reply> replyTo)
      implements Command, Traced {}

  /** Only non-null fields change. */
  public record Update(Changes changes, Long expectedVersion, String requestId, ActorRef<Reply> replyTo)
      implements Command, Traced {}

  public record Changes(String fullName, String passwordHash, Boolean active, List<String> roles) {}

  public record Delete(Long expectedVersion, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Restore(Long expectedVersion, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /**
   * Does this user still hold {@code email}? Asked by a registration that found the email reserved
   * for this user. A user that does not exist is voided by the question: it can never register.
   */
  public record StillHolds(String email, ActorRef<Holds> replyTo) implements Command {}

  public record Holds(boolean holds) implements JsonSerializable {}

  public sealed interface Reply extends JsonSerializable {}

  public record Accepted(State user) implements Reply {}

  public record Rejected(Rejection reason, String message) implements Reply {}

  public enum Rejection {
    NOT_FOUND,
    ALREADY_EXISTS,
    DELETED,
    NOT_DELETED,
    VERSION_MISMATCH,
    INVALID,
    /** The current password sent to confirm a change of one's own password is wrong (decided by {@link Accounts}). */
    WRONG_PASSWORD
  }

  // ---- events ----

  public sealed interface Event extends JsonSerializable, Traced {
    UUID userId();

    Instant at();
  }

  public record Registered(UUID userId, String email, String passwordHash, String fullName, List<String> roles, Instant at,
      @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  /** The user's editable fields after the update, and which of them changed. */
  public record Updated(
      UUID userId, String fullName, String passwordHash, boolean active, List<String> roles, List<String> changed, Instant at,
      @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  public record Deleted(UUID userId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  public record Restored(UUID userId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  /** A reservation outlived its registration: this id can never register. No read table shows it. */
  public record Voided(UUID userId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  // ---- state ----

  /**
   * {@code credentialsVersion}: the version of the last event that took access away — a new
   * password, a role removed, a deactivation, a deletion. An access token carries the value it
   * was issued at, and one issued before it (a lower value) no longer works.
   */
  public record State(
      UUID id,
      String email,
      String passwordHash,
      String fullName,
      List<String> roles,
      boolean active,
      Instant createdAt,
      Instant updatedAt,
      Instant deletedAt,
      long version,
      boolean voided,
      long credentialsVersion)
      implements JsonSerializable {

    static final State EMPTY = new State(null, null, null, null, List.of(), false, null, null, null, 0, false, 0);

    public boolean exists() {
      return id != null;
    }

    public boolean deleted() {
      return deletedAt != null;
    }

    /** May log in and act: registered, not deleted, not deactivated. */
    public boolean canAct() {
      return exists() && !deleted() && active;
    }

    public boolean has(Role role) {
      return roles.contains(role.label());
    }

    State apply(Event event) {
      long next = version + 1;
      if (event instanceof Registered e) {
        return new State(e.userId(), e.email(), e.passwordHash(), e.fullName(), e.roles(), true, e.at(), e.at(), null, next, false,
            credentialsVersion);
      } else if (event instanceof Updated e) {
        return new State(id, email, e.passwordHash(), e.fullName(), e.roles(), e.active(), createdAt, e.at(), null, next, false,
            takesAccessAway(e) ? next : credentialsVersion);
      } else if (event instanceof Deleted e) {
        return new State(id, email, passwordHash, fullName, roles, active, createdAt, e.at(), e.at(), next, false, next);
      } else if (event instanceof Restored e) {
        return new State(id, email, passwordHash, fullName, roles, active, createdAt, e.at(), null, next, false,
            credentialsVersion);
      } else if (event instanceof Voided e) {
        return new State(null, null, null, null, List.of(), false, null, null, null, next, true, next);
      }
      throw new IllegalArgumentException("unknown user event " + event.getClass().getName());
    }

    /** A new password, a role removed or a deactivation: what a token issued before must not outlive. */
    private boolean takesAccessAway(Updated e) {
      return !Objects.equals(e.passwordHash(), passwordHash) || !e.roles().containsAll(roles) || (active && !e.active());
    }
  }

  // ---- validation ----

  /** Trimmed and lower-cased: the form in which emails are stored, reserved and compared. */
  public static String normalizeEmail(String email) {
    return email == null ? null : email.trim().toLowerCase(Locale.ROOT);
  }

  public static List<FieldError> validateEmail(String email) {
    if (email == null) {
      return List.of(new FieldError("email", "is required"));
    }
    if (email.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(email).matches()) {
      return List.of(new FieldError("email", "must be an email address of at most " + MAX_EMAIL_LENGTH + " characters"));
    }
    return List.of();
  }

  public static List<FieldError> validatePassword(String password) {
    if (password == null) {
      return List.of(new FieldError("password", "is required"));
    }
    if (password.length() < MIN_PASSWORD_LENGTH || password.length() > MAX_PASSWORD_LENGTH) {
      return List.of(new FieldError("password", "must be " + MIN_PASSWORD_LENGTH + " to " + MAX_PASSWORD_LENGTH + " characters"));
    }
    return List.of();
  }

  public static List<FieldError> validateFullName(String fullName) {
    if (fullName != null && (fullName.isBlank() || fullName.length() > MAX_NAME_LENGTH)) {
      return List.of(new FieldError("full_name", "must be 1 to " + MAX_NAME_LENGTH + " characters and not blank"));
    }
    return List.of();
  }

  public static List<FieldError> validateRoles(List<String> roles) {
    if (roles != null && roles.stream().anyMatch(r -> r == null || Role.parse(r).isEmpty())) {
      return List.of(new FieldError("roles", "must be a list of user, editor, admin"));
    }
    return List.of();
  }

  /** Roles in one canonical order, without duplicates. */
  public static List<String> canonicalRoles(List<String> roles) {
    return roles.stream().distinct().sorted().toList();
  }

  // ---- behavior ----

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  public static Behavior<Command> create(String userId, Settings settings) {
    return Behaviors.setup(ctx -> new User(userId, settings, ctx));
  }

  private final UUID userId;
  private final Settings settings;
  private final EntityLog log;

  private User(String userId, Settings settings, ActorContext<Command> ctx) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), userId),
        settings.aggregates().restartBackoff());
    this.userId = UUID.fromString(userId);
    this.settings = settings;
    this.log = new EntityLog("user", persistenceId().id(), () -> lastSequenceNumber(ctx), Metrics.get(ctx.getSystem()));
  }

  @Override
  public State emptyState() {
    return State.EMPTY;
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.aggregates().snapshotEvery(), settings.aggregates().keepSnapshots());
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(State::apply);
  }

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> builder = newCommandHandlerWithReplyBuilder();
    builder
        .forState(State::voided)
        .onCommand(Register.class, (state, cmd) ->
            reject(cmd.replyTo(), Rejection.ALREADY_EXISTS, "the registration of user " + userId + " was abandoned"))
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(false)))
        .onAnyCommand(this::notFound);
    builder
        .forState(state -> !state.exists())
        .onCommand(Register.class, this::onRegister)
        .onCommand(StillHolds.class, this::onVoid)
        .onAnyCommand(this::notFound);
    builder
        .forState(State::deleted)
        .onCommand(Restore.class, this::onRestore)
        .onCommand(Update.class, (state, cmd) -> rejectDeleted(cmd.replyTo()))
        .onCommand(Delete.class, (state, cmd) -> rejectDeleted(cmd.replyTo()));
    builder
        .forAnyState()
        .onCommand(Update.class, this::onUpdate)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(Restore.class, (state, cmd) ->
            reject(cmd.replyTo(), Rejection.NOT_DELETED, "user " + userId + " is not deleted"))
        .onCommand(Register.class, (state, cmd) ->
            reject(cmd.replyTo(), Rejection.ALREADY_EXISTS, "user " + userId + " already exists"))
        .onCommand(StillHolds.class, (state, cmd) ->
            Effect().reply(cmd.replyTo(), new Holds(!state.deleted() && state.email().equals(cmd.email()))))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Accepted(state)));
    return Traced.inMdc(builder.build());
  }

  /** Asked whether a user that never registered holds its email: it never will. */
  private ReplyEffect<Event, State> onVoid(State state, StillHolds cmd) {
    Voided voided = new Voided(userId, EventTime.now(), null);
    return Effect().persist(voided)
        .thenRun(s -> log.persisted(voided, null))
        .thenReply(cmd.replyTo(), s -> new Holds(false));
  }

  private ReplyEffect<Event, State> onRegister(State state, Register cmd) {
    List<FieldError> errors = new ArrayList<>(validateEmail(cmd.email()));
    errors.addAll(validateFullName(cmd.fullName()));
    errors.addAll(validateRoles(cmd.roles()));
    if (cmd.fullName() == null) {
      errors.add(new FieldError("full_name", "is required"));
    }
    if (cmd.passwordHash() == null || cmd.roles() == null || cmd.roles().isEmpty()) {
      errors.add(new FieldError("password", "is required"));
    }
    if (!errors.isEmpty()) {
      return invalid(cmd.replyTo(), errors);
    }
    return persistAndReply(
        new Registered(userId, cmd.email(), cmd.passwordHash(), cmd.fullName(), canonicalRoles(cmd.roles()), EventTime.now(),
            cmd.requestId()),
        cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    Changes c = cmd.changes();
    List<FieldError> errors = new ArrayList<>(validateFullName(c.fullName()));
    errors.addAll(validateRoles(c.roles()));
    if (!errors.isEmpty()) {
      return invalid(cmd.replyTo(), errors);
    }
    String fullName = c.fullName() == null ? state.fullName() : c.fullName();
    String hash = c.passwordHash() == null ? state.passwordHash() : c.passwordHash();
    boolean active = c.active() == null ? state.active() : c.active();
    List<String> roles = c.roles() == null ? state.roles() : canonicalRoles(c.roles());
    List<String> changed = new ArrayList<>();
    if (!fullName.equals(state.fullName())) changed.add("full_name");
    if (!hash.equals(state.passwordHash())) changed.add("password");
    if (active != state.active()) changed.add("is_active");
    if (!Objects.equals(roles, state.roles())) changed.add("roles");
    if (changed.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Accepted(state));
    }
    return persistAndReply(
        new Updated(userId, fullName, hash, active, roles, changed, EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    return persistAndReply(new Deleted(userId, EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRestore(State state, Restore cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    return persistAndReply(new Restored(userId, EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> persistAndReply(Event event, Traced cmd, ActorRef<Reply> replyTo) {
    return Effect().persist(event)
        .thenRun(state -> log.persisted(event, cmd.requestId()))
        .thenReply(replyTo, Accepted::new);
  }

  private static boolean stale(State state, Long expectedVersion) {
    return expectedVersion != null && expectedVersion != state.version();
  }

  private ReplyEffect<Event, State> versionMismatch(State state, ActorRef<Reply> replyTo) {
    return reject(replyTo, Rejection.VERSION_MISMATCH, "user " + userId + " is at version " + state.version());
  }

  private ReplyEffect<Event, State> notFound(State state, Command cmd) {
    if (cmd instanceof StillHolds holds) {
      return Effect().reply(holds.replyTo(), new Holds(false));
    }
    return reject(replyTo(cmd), Rejection.NOT_FOUND, "user " + userId + " does not exist");
  }

  private static ActorRef<Reply> replyTo(Command cmd) {
    if (cmd instanceof Register c) return c.replyTo();
    if (cmd instanceof Update c) return c.replyTo();
    if (cmd instanceof Delete c) return c.replyTo();
    if (cmd instanceof Restore c) return c.replyTo();
    if (cmd instanceof Get c) return c.replyTo();
    throw new IllegalArgumentException("no Reply for " + cmd.getClass().getSimpleName());
  }

  private ReplyEffect<Event, State> rejectDeleted(ActorRef<Reply> replyTo) {
    return reject(replyTo, Rejection.DELETED, "user " + userId + " is deleted; restore it before changing it");
  }

  private ReplyEffect<Event, State> invalid(ActorRef<Reply> replyTo, List<FieldError> errors) {
    return reject(replyTo, Rejection.INVALID, errors.get(0).field() + " " + errors.get(0).message());
  }

  private ReplyEffect<Event, State> reject(ActorRef<Reply> replyTo, Rejection reason, String message) {
    log.rejected(reason, message);
    return Effect().reply(replyTo, new Rejected(reason, message));
  }

}
