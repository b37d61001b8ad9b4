package io.tablecast.category;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
import akka.actor.typed.javadsl.Behaviors;
import akka.cluster.sharding.typed.javadsl.EntityTypeKey;
import akka.persistence.typed.PersistenceId;
import akka.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import akka.persistence.typed.javadsl.ReplyEffect;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.tablecast.EventTime;
import io.tablecast.FieldError;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.aggregate.Aggregate;
import io.tablecast.aggregate.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The Category aggregate. Its name is reserved cluster-wide (a {@code UniqueValue} keyed
 * {@code category-name:<lower-case name>}) before it is created or renamed ({@link Categories}).
 * Deleting it detaches its items (the item package's {@code CategoryDetacher}); restoring it does not attach them again.
 */
public final class Category extends Aggregate<Category.Command, Category.Event, Category.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Category");
  private static final Kind<Command, State> KIND = new Kind<>(ENTITY_TYPE_KEY, "category", State.EMPTY, Accepted::new);
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

  public record Create(String name, String description, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Request<State> {}

  /** Only the fields sent change; {@code descriptionSent} tells "clear the description" from "leave it". */
  public record Update(Changes changes, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Changes(String name, boolean descriptionSent, String description) {}

  public record Delete(Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Restore(Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Get(ActorRef<Reply<State>> replyTo) implements Command, Request<State> {}

  /** Does this category still hold {@code name}? A category that does not exist is voided by the question. */
  public record StillHolds(String name, ActorRef<Holds> replyTo) implements Command {}

  public record Holds(boolean holds) implements JsonSerializable {}

  public record Accepted(State state) implements Reply.Accepted<State> {}

  // ---- events ----

  public sealed interface Event extends Aggregate.Event {
    UUID categoryId();
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
      implements Aggregate.State<State, Event> {

    static final State EMPTY = new State(null, null, null, null, null, null, 0, false);

    public boolean active() {
      return exists() && !deleted();
    }

    boolean holds(String otherName) {
      return active() && nameKey(name).equals(nameKey(otherName));
    }

    @Override
    public State apply(Event event) {
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

  // ---- rules ----

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
    initSharded(system, ENTITY_TYPE_KEY, id -> create(id, settings));
  }

  public static PersistenceId persistenceIdOf(String categoryId) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), categoryId);
  }

  public static Behavior<Command> create(String categoryId, Settings settings) {
    return Behaviors.setup(ctx -> new Category(categoryId, settings, ctx));
  }

  private Category(String categoryId, Settings settings, ActorContext<Command> ctx) {
    super(KIND, categoryId, Set.of(TAG), settings, ctx);
  }

  @Override
  protected void handlers(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
    builder
        .forState(State::voided)
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(false)))
        .onAnyCommand((state, cmd) -> absent(cmd));
    builder
        .forState(state -> !state.exists())
        .onCommand(Create.class, this::onCreate)
        .onCommand(StillHolds.class, this::onVoid)
        .onAnyCommand((state, cmd) -> absent(cmd));
    builder
        .forState(State::deleted)
        .onCommand(Restore.class, (state, cmd) ->
            ifCurrent(state, cmd, () -> persist(new Restored(id, EventTime.now(), cmd.requestId()), cmd)))
        .onCommand(Update.class, (state, cmd) -> rejectDeleted(cmd))
        .onCommand(Delete.class, (state, cmd) -> rejectDeleted(cmd));
    builder
        .forAnyState()
        .onCommand(Update.class, (state, cmd) -> ifCurrent(state, cmd, () -> onUpdate(state, cmd)))
        .onCommand(Delete.class, (state, cmd) ->
            ifCurrent(state, cmd, () -> persist(new Deleted(id, state.name(), EventTime.now(), cmd.requestId()), cmd)))
        .onCommand(Restore.class, (state, cmd) -> notDeleted(cmd))
        .onCommand(Create.class, (state, cmd) -> alreadyExists(cmd))
        .onCommand(StillHolds.class, (state, cmd) -> Effect().reply(cmd.replyTo(), new Holds(state.holds(cmd.name()))))
        .onCommand(Get.class, (state, cmd) -> accept(state, cmd));
  }

  private ReplyEffect<Event, State> onCreate(State state, Create cmd) {
    List<FieldError> errors = validate(cmd.name(), cmd.description());
    if (cmd.name() == null) {
      errors.add(new FieldError("name", "is required"));
    }
    if (!errors.isEmpty()) {
      return invalid(cmd, errors);
    }
    return persist(new Created(id, cmd.name().trim(), cmd.description(), EventTime.now(), cmd.requestId()), cmd);
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    Changes c = cmd.changes();
    List<FieldError> errors = validate(c.name(), c.description());
    if (!errors.isEmpty()) {
      return invalid(cmd, errors);
    }
    String name = c.name() == null ? state.name() : c.name().trim();
    String description = c.descriptionSent() ? c.description() : state.description();
    List<String> changed = new ArrayList<>();
    if (!name.equals(state.name())) changed.add("name");
    if (!Objects.equals(description, state.description())) changed.add("description");
    if (changed.isEmpty()) {
      return accept(state, cmd);
    }
    return persist(new Updated(id, name, description, changed, EventTime.now(), cmd.requestId()), cmd);
  }

  /** Asked whether a category that never came to exist holds its name: it never will. */
  private ReplyEffect<Event, State> onVoid(State state, StillHolds cmd) {
    return persist(new Voided(id, EventTime.now(), null), null, cmd.replyTo(), new Holds(false));
  }

  /** Any command to a category that does not exist (or never may). */
  @SuppressWarnings("unchecked")
  private ReplyEffect<Event, State> absent(Command cmd) {
    if (cmd instanceof StillHolds holds) {
      return Effect().reply(holds.replyTo(), new Holds(false));
    }
    return notFound((Request<State>) cmd);
  }
}
