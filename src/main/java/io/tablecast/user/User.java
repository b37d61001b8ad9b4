package io.tablecast.user;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.ReplyEffect;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tablecast.EventTime;
import io.tablecast.FieldError;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Aggregate;
import io.tablecast.aggregate.Reply;
import io.tablecast.aggregate.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The User aggregate. Its email is reserved cluster-wide (a {@code UniqueValue} keyed
 * {@code email:<address>}) before it is registered ({@link Accounts}); its password arrives already
 * hashed, so no event ever holds a clear-text password. A user reads and changes their own account;
 * an admin any account, and only an admin its activity and roles, or restores it.
 */
public final class User extends Aggregate<User.Command, User.Event, User.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "User");
  private static final Kind<Command, State> KIND = new Kind<>(ENTITY_TYPE_KEY, "user", State.EMPTY, Accepted::new);
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

  // ---- commands: each carries who sends it ----

  public sealed interface Command extends JsonSerializable {}

  public record Register(
      String email, String passwordHash, String fullName, List<String> roles, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Request<State> {}

  /** Only non-null fields change; {@code active} and {@code roles} are an admin's to change. */
  public record Update(Changes changes, Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Changes(String fullName, String passwordHash, Boolean active, List<String> roles) {}

  public record Delete(Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Restore(Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Get(Actor by, ActorRef<Reply<State>> replyTo) implements Command, Request<State> {}

  /**
   * Does this user still hold {@code email}? Asked by a registration that found the email reserved
   * for this user. A user that does not exist is voided by the question: it can never register.
   */
  public record StillHolds(String email, ActorRef<Holds> replyTo) implements Command {}

  public record Holds(boolean holds) implements JsonSerializable {}

  public record Accepted(State state) implements Reply.Accepted<State> {}

  // ---- events ----

  public sealed interface Event extends Aggregate.Event {
    UUID userId();
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
      implements Aggregate.State<State, Event> {

    static final State EMPTY = new State(null, null, null, null, List.of(), false, null, null, null, 0, false, 0);

    /** May log in and act: registered, not deleted, not deactivated. */
    public boolean canAct() {
      return exists() && !deleted() && active;
    }

    public boolean has(Role role) {
      return roles.contains(role.label());
    }

    boolean holds(String otherEmail) {
      return exists() && !deleted() && email.equals(otherEmail);
    }

    @Override
    public State apply(Event event) {
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
    initSharded(system, ENTITY_TYPE_KEY, id -> create(id, settings));
  }

  public static Behavior<Command> create(String userId, Settings settings) {
    return Behaviors.setup(ctx -> new User(userId, settings, ctx));
  }

  private User(String userId, Settings settings, ActorContext<Command> ctx) {
    super(KIND, userId, Set.of(TAG), settings, ctx);
  }

  @Override
  protected void handlers(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
    builder
        .forState(State::voided)
        .onCommand(Register.class, (state, cmd) ->
            reject(cmd, io.tablecast.aggregate.Rejection.ALREADY_EXISTS, "the registration of " + name() + " was abandoned"))
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(false)))
        .onAnyCommand((state, cmd) -> absent(cmd));
    builder
        .forState(state -> !state.exists())
        .onCommand(Register.class, this::onRegister)
        .onCommand(StillHolds.class, this::onVoid)
        .onAnyCommand((state, cmd) -> absent(cmd));
    builder
        .forState(State::deleted)
        .onCommand(Restore.class, (state, cmd) -> byAdmin(cmd.by(), cmd, "restoring a user needs the role admin", () ->
            ifCurrent(state, cmd, () -> persist(new Restored(id, EventTime.now(), cmd.requestId()), cmd))))
        .onCommand(Update.class, (state, cmd) -> bySelfOrAdmin(cmd.by(), cmd, () -> rejectDeleted(cmd)))
        .onCommand(Delete.class, (state, cmd) -> bySelfOrAdmin(cmd.by(), cmd, () -> rejectDeleted(cmd)));
    builder
        .forAnyState()
        .onCommand(Update.class, (state, cmd) -> bySelfOrAdmin(cmd.by(), cmd, () -> onUpdate(state, cmd)))
        .onCommand(Delete.class, (state, cmd) -> bySelfOrAdmin(cmd.by(), cmd, () ->
            ifCurrent(state, cmd, () -> persist(new Deleted(id, EventTime.now(), cmd.requestId()), cmd))))
        .onCommand(Restore.class, (state, cmd) ->
            byAdmin(cmd.by(), cmd, "restoring a user needs the role admin", () -> notDeleted(cmd)))
        .onCommand(Register.class, (state, cmd) -> alreadyExists(cmd))
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(state.holds(cmd.email()))))
        .onCommand(Get.class, (state, cmd) -> bySelfOrAdmin(cmd.by(), cmd, () -> accept(state, cmd)));
  }

  private ReplyEffect<Event, State> bySelfOrAdmin(Actor by, Request<State> cmd, Supplier<ReplyEffect<Event, State>> decide) {
    return by.is(id) || by.admin() ? decide.get() : forbidden(cmd, "only the user themself or an admin may do this");
  }

  private ReplyEffect<Event, State> byAdmin(Actor by, Request<State> cmd, String refusal, Supplier<ReplyEffect<Event, State>> decide) {
    return by.admin() ? decide.get() : forbidden(cmd, refusal);
  }

  /** Any command to a user that does not exist (or never may): who may not ask is told so first. */
  @SuppressWarnings("unchecked")
  private ReplyEffect<Event, State> absent(Command cmd) {
    if (cmd instanceof StillHolds holds) {
      return Effect().reply(holds.replyTo(), new Holds(false));
    }
    Actor by = cmd instanceof Update u ? u.by() : cmd instanceof Delete d ? d.by() : cmd instanceof Get g ? g.by() : null;
    Request<State> request = (Request<State>) cmd;
    if (by != null && !by.is(id) && !by.admin()) {
      return forbidden(request, "only the user themself or an admin may do this");
    }
    if (cmd instanceof Restore restore && !restore.by().admin()) {
      return forbidden(request, "restoring a user needs the role admin");
    }
    return notFound(request);
  }

  /** Asked whether a user that never registered holds its email: it never will. */
  private ReplyEffect<Event, State> onVoid(State state, StillHolds cmd) {
    return persist(new Voided(id, EventTime.now(), null), null, cmd.replyTo(), new Holds(false));
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
      return invalid(cmd, errors);
    }
    return persist(new Registered(id, cmd.email(), cmd.passwordHash(), cmd.fullName(), canonicalRoles(cmd.roles()),
        EventTime.now(), cmd.requestId()), cmd);
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    Changes c = cmd.changes();
    if (!cmd.by().admin() && (c.active() != null || c.roles() != null)) {
      return forbidden(cmd, "only an admin may change " + (c.active() != null ? "is_active" : "roles"));
    }
    return ifCurrent(state, cmd, () -> {
      List<FieldError> errors = new ArrayList<>(validateFullName(c.fullName()));
      errors.addAll(validateRoles(c.roles()));
      if (!errors.isEmpty()) {
        return invalid(cmd, errors);
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
        return accept(state, cmd);
      }
      return persist(new Updated(id, fullName, hash, active, roles, changed, EventTime.now(), cmd.requestId()), cmd);
    });
  }
}
