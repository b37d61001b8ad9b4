package io.tablecast.category;

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

/**
 * The Category aggregate. Its name is reserved cluster-wide (a {@code UniqueValue} keyed
 * {@code category-name:<lower-case name>}) before it is created or renamed. Deleting it detaches its
 * items (the item package's {@code CategoryDetacher}); restoring it does not attach them again.
 */
public final class Category
    extends EventSourcedBehaviorWithEnforcedReplies<Category.Command, Category.Event, Category.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Category");
  /**
   * One tag for all category events: the unique index on live names holds in the read table only if
   * a rename or deletion is applied before a later claim of the same name, i.e. in journal order.
   */
  public static final String TAG_PREFIX = "category";
  public static final String TAG = TAG_PREFIX + "-0";
  public static final String NAME_KIND = "category-name";
  public static final int MAX_NAME_LENGTH = 100;
  public static final int MAX_DESCRIPTION_LENGTH = 2000;

  // ---- commands ----

  public sealed interface Command extends JsonSerializable {}

  public record Create(String name, String description, String requestId, ActorRef<Reply> replyTo)
      implements Command, Traced {}

  /** Only the fields sent change; {@code descriptionSent} tells "clear the description" from "leave it". */
  public record Update(Changes changes, Long expectedVersion, String requestId, ActorRef<Reply> replyTo)
      implements Command, Traced {}

  public record Changes(String name, boolean descriptionSent, String description) {}

  public record Delete(Long expectedVersion, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Restore(Long expectedVersion, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Does this category still hold {@code name}? A category that does not exist is voided by the question. */
  public record StillHolds(String name, ActorRef<Holds> replyTo) implements Command {}

  public record Holds(boolean holds) implements JsonSerializable {}

  public sealed interface Reply extends JsonSerializable {}

  public record Accepted(State category) implements Reply {}

  public record Rejected(Rejection reason, String message) implements Reply {}

  public enum Rejection {
    NOT_FOUND,
    ALREADY_EXISTS,
    DELETED,
    NOT_DELETED,
    VERSION_MISMATCH,
    INVALID
  }

  // ---- events ----

  public sealed interface Event extends JsonSerializable, Traced {
    UUID categoryId();

    Instant at();
  }

  public record Created(UUID categoryId, String name, String description, Instant at,
      @JsonInclude(NON_NULL) String requestId) implements Event {}

  public record Updated(UUID categoryId, String name, String description, List<String> changed, Instant at,
      @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  public record Deleted(UUID categoryId, String name, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  public record Restored(UUID categoryId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  /** A name reservation outlived its creation: this id can never be created. No read table shows it. */
  public record Voided(UUID categoryId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  // ---- state ----

  public record State(
      UUID id,
      String name,
      String description,
      Instant createdAt,
      Instant updatedAt,
      Instant deletedAt,
      long version,
      boolean voided)
      implements JsonSerializable {

    static final State EMPTY = new State(null, null, null, null, null, null, 0, false);

    public boolean exists() {
      return id != null;
    }

    public boolean deleted() {
      return deletedAt != null;
    }

    public boolean active() {
      return exists() && !deleted();
    }

    State apply(Event event) {
      long next = version + 1;
      if (event instanceof Created e) {
        return new State(e.categoryId(), e.name(), e.description(), e.at(), e.at(), null, next, false);
      } else if (event instanceof Updated e) {
        return new State(id, e.name(), e.description(), createdAt, e.at(), null, next, false);
      } else if (event instanceof Deleted e) {
        return new State(id, name, description, createdAt, e.at(), e.at(), next, false);
      } else if (event instanceof Restored e) {
        return new State(id, name, description, createdAt, e.at(), null, next, false);
      } else if (event instanceof Voided e) {
        return new State(null, null, null, null, null, null, next, true);
      }
      throw new IllegalArgumentException("unknown category event " + event.getClass().getName());
    }
  }

  // ---- validation ----

  /** Names compare case-insensitively: this is the form reserved and indexed. */
  public static String nameKey(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }

  public static List<FieldError> validate(String name, String description) {
    List<FieldError> errors = new ArrayList<>();
    if (name != null && (name.isBlank() || name.length() > MAX_NAME_LENGTH)) {
      errors.add(new FieldError("name", "must be 1 to " + MAX_NAME_LENGTH + " characters and not blank"));
    }
    if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
      errors.add(new FieldError("description", "must be at most " + MAX_DESCRIPTION_LENGTH + " characters"));
    }
    return errors;
  }

  // ---- behavior ----

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  public static Behavior<Command> create(String categoryId, Settings settings) {
    return Behaviors.setup(ctx -> new Category(categoryId, settings, ctx));
  }

  private final UUID categoryId;
  private final Settings settings;
  private final EntityLog log;

  private Category(String categoryId, Settings settings, ActorContext<Command> ctx) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), categoryId),
        settings.aggregates().restartBackoff());
    this.categoryId = UUID.fromString(categoryId);
    this.settings = settings;
    this.log = new EntityLog(
        "category", persistenceId().id(), () -> lastSequenceNumber(ctx), Metrics.get(ctx.getSystem()));
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
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(false)))
        .onAnyCommand(this::notFound);
    builder
        .forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
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
            reject(cmd.replyTo(), Rejection.NOT_DELETED, "category " + categoryId + " is not deleted"))
        .onCommand(Create.class, (state, cmd) ->
            reject(cmd.replyTo(), Rejection.ALREADY_EXISTS, "category " + categoryId + " already exists"))
        .onCommand(StillHolds.class, (state, cmd) ->
            Effect().reply(cmd.replyTo(), new Holds(!state.deleted() && nameKey(state.name()).equals(nameKey(cmd.name())))))
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Accepted(state)));
    return Traced.inMdc(builder.build());
  }

  /** Asked whether a category that never came to exist holds its name: it never will. */
  private ReplyEffect<Event, State> onVoid(State state, StillHolds cmd) {
    Voided voided = new Voided(categoryId, EventTime.now(), null);
    return Effect().persist(voided)
        .thenRun(s -> log.persisted(voided, null))
        .thenReply(cmd.replyTo(), s -> new Holds(false));
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    List<FieldError> errors = validate(cmd.name(), cmd.description());
    if (cmd.name() == null) {
      errors.add(new FieldError("name", "is required"));
    }
    if (!errors.isEmpty()) {
      return invalid(cmd.replyTo(), errors);
    }
    return persistAndReply(
        new Created(categoryId, cmd.name().trim(), cmd.description(), EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    Changes c = cmd.changes();
    List<FieldError> errors = validate(c.name(), c.description());
    if (!errors.isEmpty()) {
      return invalid(cmd.replyTo(), errors);
    }
    String name = c.name() == null ? state.name() : c.name().trim();
    String description = c.descriptionSent() ? c.description() : state.description();
    List<String> changed = new ArrayList<>();
    if (!name.equals(state.name())) changed.add("name");
    if (!Objects.equals(description, state.description())) changed.add("description");
    if (changed.isEmpty()) {
      return Effect().reply(cmd.replyTo(), new Accepted(state));
    }
    return persistAndReply(
        new Updated(categoryId, name, description, changed, EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onDelete(State state, Delete cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    return persistAndReply(new Deleted(categoryId, state.name(), EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
  }

  private ReplyEffect<Event, State> onRestore(State state, Restore cmd) {
    if (stale(state, cmd.expectedVersion())) {
      return versionMismatch(state, cmd.replyTo());
    }
    return persistAndReply(new Restored(categoryId, EventTime.now(), cmd.requestId()), cmd, cmd.replyTo());
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
    return reject(replyTo, Rejection.VERSION_MISMATCH, "category " + categoryId + " is at version " + state.version());
  }

  private ReplyEffect<Event, State> notFound(State state, Command cmd) {
    if (cmd instanceof StillHolds holds) {
      return Effect().reply(holds.replyTo(), new Holds(false));
    }
    return reject(replyTo(cmd), Rejection.NOT_FOUND, "category " + categoryId + " does not exist");
  }

  private static ActorRef<Reply> replyTo(Command cmd) {
    if (cmd instanceof Create c) return c.replyTo();
    if (cmd instanceof Update c) return c.replyTo();
    if (cmd instanceof Delete c) return c.replyTo();
    if (cmd instanceof Restore c) return c.replyTo();
    if (cmd instanceof Get c) return c.replyTo();
    throw new IllegalArgumentException("no Reply for " + cmd.getClass().getSimpleName());
  }

  private ReplyEffect<Event, State> rejectDeleted(ActorRef<Reply> replyTo) {
    return reject(replyTo, Rejection.DELETED, "category " + categoryId + " is deleted; restore it before changing it");
  }

  private ReplyEffect<Event, State> invalid(ActorRef<Reply> replyTo, List<FieldError> errors) {
    return reject(replyTo, Rejection.INVALID, errors.get(0).field() + " " + errors.get(0).message());
  }

  private ReplyEffect<Event, State> reject(ActorRef<Reply> replyTo, Rejection reason, String message) {
    log.rejected(reason, message);
    return Effect().reply(replyTo, new Rejected(reason, message));
  }

}
