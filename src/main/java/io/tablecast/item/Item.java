package io.tablecast.item;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT;
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
import com.fasterxml.jackson.annotation.JsonProperty;
import io.tablecast.EventTime;
import io.tablecast.FieldError;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.aggregate.Actor;
import io.tablecast.aggregate.Aggregate;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Item aggregate: its commands, events and state, who may do what, and how each state handles
 * each command. An item is created by its first event, decided here ({@link #created}) and written
 * without starting the entity ({@link NewItems}); every later command comes to the entity and
 * carries who sends it, so the aggregate decides what they may see and change.
 */
public final class Item extends Aggregate<Item.Command, Item.Event, Item.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Item");
  private static final Kind<Command, State> KIND = new Kind<>(ENTITY_TYPE_KEY, "item", State.EMPTY, Accepted::new);
  public static final String TAG_PREFIX = "item";
  public static final Set<String> STATUSES = Set.of("draft", "published", "archived");
  public static final int MAX_TITLE_LENGTH = 200;
  /**
   * Characters (Unicode code points, as PostgreSQL and JSON Schema count them) of an item's content.
   * Every event that changes an item carries all of its content, and its history shows each.
   */
  public static final int MAX_CONTENT_LENGTH = 100_000;
  public static final int MAX_TAGS = 20;
  public static final int MAX_TAG_LENGTH = 50;
  /** The lifecycle: draft → published → archived → draft. Anything else is a conflict. */
  public static final Map<String, String> NEXT_STATUS = Map.of("draft", "published", "published", "archived", "archived", "draft");

  // ---- commands: each carries who sends it ----

  public sealed interface Command extends JsonSerializable {}

  /** Only non-null fields change; {@code categoryIdSent} tells "clear the category" from "leave it". */
  public record Update(Changes changes, Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  /** {@code tags} null leaves them; a list replaces them. */
  public record Changes(String title, String content, String status, boolean categoryIdSent, UUID categoryId, List<String> tags) {}

  /** The category was deleted: like ON DELETE SET NULL, but recorded in the item's history. Idempotent. */
  public record DetachCategory(UUID categoryId, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Request<State> {}

  public record Delete(Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  public record Restore(Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Conditional<State> {}

  /**
   * Its owner was deleted: a live item of {@code ownerId} is deleted, saying so; any other item is
   * left as it is. Sent by {@link OwnerCascade}; idempotent.
   */
  public record DeleteWithOwner(UUID ownerId, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Request<State> {}

  /**
   * Its owner was restored: an item of {@code ownerId} comes back if, and only if, its owner's
   * deletion deleted it; any other item is left as it is. Sent by {@link OwnerCascade}; idempotent.
   */
  public record RestoreWithOwner(UUID ownerId, String requestId, ActorRef<Reply<State>> replyTo)
      implements Command, Request<State> {}

  /** The item, if {@code by} may see it (else NOT_FOUND, as if it did not exist). */
  public record Get(Actor by, ActorRef<Reply<State>> replyTo) implements Command, Request<State> {}

  public record Accepted(State state) implements Reply.Accepted<State> {}

  // ---- events: immutable forever; evolve them through Jackson migrations ----

  public sealed interface Event extends Aggregate.Event {
    UUID itemId();
  }

  /** {@code tags} is absent (null) in events written before items had tags. */
  public record Created(
      UUID itemId, String title, String content, String status, UUID categoryId, UUID ownerId, List<String> tags, Instant at,
      @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  /**
   * The item's editable fields after the update, and which of them changed. Version 2 renamed
   * {@code changed} to {@code changedFields}; {@link ItemUpdatedMigration} upcasts version 1.
   */
  public record Updated(
      UUID itemId, String title, String content, String status, UUID categoryId, List<String> tags,
      List<String> changedFields, Instant at, @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  public record CategoryDetached(UUID itemId, UUID categoryId, Instant at,
      @JsonInclude(NON_NULL) String requestId) implements Event {}

  /**
   * {@code deletedBy}: who deleted the item; {@code moderated}: a moderator (an editor or admin who
   * is not its owner) did, so only a moderator may restore it. Both are absent from events written
   * before deletions recorded them: those read as deleted by the owner. {@code reason}: why the
   * service deleted it (its owner was deleted); absent when a user did, as in every older event.
   */
  public record Deleted(UUID itemId, Instant at, @JsonInclude(NON_NULL) String requestId,
      @JsonInclude(NON_NULL) UUID deletedBy, @JsonInclude(NON_DEFAULT) boolean moderated,
      @JsonInclude(NON_NULL) DeletionReason reason) implements Event {}

  /** Why the service, not a user, deleted an item. Written in events: add values, never rename one. */
  public enum DeletionReason {
    /** Its owner was deleted; restoring the owner restores the item. */
    @JsonProperty("owner_deleted")
    OWNER_DELETED
  }

  public record Restored(UUID itemId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  // ---- state ----

  /**
   * The item as the aggregate knows it; {@code version} is the number of events, i.e. the sequence
   * number. While it is deleted: {@code moderatedBy}, the moderator who deleted it, if one did;
   * {@code deletionReason}, why the service deleted it, if it did.
   */
  public record State(
      UUID id,
      String title,
      String content,
      String status,
      UUID categoryId,
      UUID ownerId,
      List<String> tags,
      Instant createdAt,
      Instant updatedAt,
      Instant deletedAt,
      long version,
      @JsonInclude(NON_NULL) UUID moderatedBy,
      @JsonInclude(NON_NULL) DeletionReason deletionReason)
      implements Aggregate.State<State, Event> {

    static final State EMPTY = new State(null, null, null, null, null, null, List.of(), null, null, null, 0, null, null);

    boolean active() {
      return exists() && !deleted();
    }

    /** Deleted because its owner was (only a deleted item has a reason): it comes back with its owner, and only then. */
    boolean deletedWithOwner() {
      return deletionReason == DeletionReason.OWNER_DELETED;
    }


    @Override
    public State apply(Event event) {
      long next = version + 1;
      if (event instanceof Created e) {
        return new State(e.itemId(), e.title(), e.content(), e.status(), e.categoryId(), e.ownerId(), tagsOf(e.tags()), e.at(),
            e.at(), null, next, null, null);
      } else if (event instanceof Updated e) {
        List<String> newTags = e.tags() == null ? tags : e.tags();
        return new State(id, e.title(), e.content(), e.status(), e.categoryId(), ownerId, newTags, createdAt, e.at(), null, next,
            null, null);
      } else if (event instanceof CategoryDetached e) {
        return new State(id, title, content, status, null, ownerId, tags, createdAt, e.at(), deletedAt, next, moderatedBy,
            deletionReason);
      } else if (event instanceof Deleted e) {
        return new State(id, title, content, status, categoryId, ownerId, tags, createdAt, e.at(), e.at(), next,
            e.moderated() ? e.deletedBy() : null, e.reason());
      } else if (event instanceof Restored e) {
        return new State(id, title, content, status, categoryId, ownerId, tags, createdAt, e.at(), null, next, null, null);
      }
      throw new IllegalArgumentException("unknown item event " + event.getClass().getName());
    }
  }

  // ---- who may see and change an item ----

  /** Its owner, editors and admins see an item always; everybody sees a published item that is not deleted. */
  public static boolean canSee(Actor by, UUID ownerId, String status, boolean deleted) {
    return canChange(by, ownerId) || visibleToAll(status, deleted);
  }

  /** Whether every user may see an item: published and not deleted (others' drafts and archived items are hidden). */
  public static boolean visibleToAll(String status, boolean deleted) {
    return "published".equals(status) && !deleted;
  }

  /** Its owner, editors and admins may change an item. */
  public static boolean canChange(Actor by, UUID ownerId) {
    return by.curator() || by.is(ownerId);
  }

  // ---- validation, shared by the HTTP edge (field errors) and the aggregate (its invariants) ----

  static List<String> tagsOf(List<String> tags) {
    return tags == null ? List.of() : tags;
  }

  /** Tags without duplicates, sorted: the order in which the read table lists them too. */
  public static List<String> canonicalTags(List<String> tags) {
    return tags == null ? null : tags.stream().distinct().sorted().toList();
  }

  public static List<FieldError> validateTags(List<String> tags) {
    if (tags == null) {
      return List.of();
    }
    if (tags.size() > MAX_TAGS) {
      return List.of(new FieldError("tags", "must be at most " + MAX_TAGS + " tags"));
    }
    if (tags.stream().anyMatch(t -> t == null || t.isBlank() || t.length() > MAX_TAG_LENGTH)) {
      return List.of(new FieldError("tags", "must be strings of 1 to " + MAX_TAG_LENGTH + " characters"));
    }
    return List.of();
  }

  public static List<FieldError> validate(String title, String content, String status) {
    List<FieldError> errors = new ArrayList<>();
    if (title != null && (title.isBlank() || title.length() > MAX_TITLE_LENGTH)) {
      errors.add(new FieldError("title", "must be 1 to " + MAX_TITLE_LENGTH + " characters and not blank"));
    }
    if (content != null && content.codePointCount(0, content.length()) > MAX_CONTENT_LENGTH) {
      errors.add(new FieldError("content", "must be at most " + MAX_CONTENT_LENGTH + " characters"));
    }
    if (status != null && !STATUSES.contains(status)) {
      errors.add(new FieldError("status", "must be one of draft, published, archived"));
    }
    return errors;
  }

  /** Everything a new item's fields may fail, tags included. */
  public static List<FieldError> validateNew(String title, String content, String status, List<String> tags) {
    List<FieldError> errors = new ArrayList<>();
    if (title == null) {
      errors.add(new FieldError("title", "is required"));
    }
    if (content == null) {
      errors.add(new FieldError("content", "is required"));
    }
    errors.addAll(validate(title, content, status));
    errors.addAll(validateTags(tags));
    return errors;
  }

  // ---- creation ----

  /**
   * The event that creates an item. Creating an item is not a command to its entity: the HTTP edge
   * mints the id (a time-ordered UUID), so nothing else can be writing to that item, and the event
   * needs no state to be decided. The edge writes it as the item's first event, tagged as the
   * entity would tag it ({@link NewItems}); the entity starts, and recovers it,
   * on the item's first later command: starting an entity only to persist one event is a large
   * share of a create's cost.
   *
   * @throws IllegalArgumentException if the fields fail {@link #validateNew}, which the edge checks
   *     first to answer with field errors
   */
  public static Created created(UUID itemId, String title, String content, String status, UUID categoryId, UUID ownerId,
      List<String> tags, String requestId) {
    List<FieldError> errors = validateNew(title, content, status, tags);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("not a valid new item: " + errors);
    }
    return new Created(itemId, title, content, status == null ? "draft" : status, categoryId, ownerId,
        tagsOf(canonicalTags(tags)), EventTime.now(), requestId);
  }

  /** The item as its Created event makes it: version 1. */
  public static State stateAfter(Created created) {
    return State.EMPTY.apply(created);
  }

  // ---- behavior ----

  public static void init(ActorSystem<?> system, Settings settings) {
    initSharded(system, ENTITY_TYPE_KEY, id -> create(id, settings));
  }

  /** The tag of the events of the item with this entity id: its slice of the items projection. */
  public static String tagOf(String itemId, Settings settings) {
    return TAG_PREFIX + "-" + Math.floorMod(itemId.hashCode(), settings.projections().slices());
  }

  /** The persistence id of the item with this entity id. */
  public static PersistenceId persistenceIdOf(String itemId) {
    return PersistenceId.of(ENTITY_TYPE_KEY.name(), itemId);
  }

  public static Behavior<Command> create(String itemId, Settings settings) {
    return Behaviors.setup(ctx -> new Item(itemId, settings, ctx));
  }

  private Item(String itemId, Settings settings, ActorContext<Command> ctx) {
    super(KIND, itemId, Set.of(tagOf(itemId, settings)), settings, ctx);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void handlers(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
    builder
        .forState(state -> !state.exists())
        .onAnyCommand((state, cmd) -> notFound((Request<State>) cmd));
    builder
        .forState(State::deleted)
        .onCommand(Restore.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () -> onRestore(state, cmd)))
        .onCommand(Update.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () -> rejectDeleted(cmd)))
        .onCommand(Delete.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () -> rejectDeleted(cmd)));
    builder
        .forState(State::active)
        .onCommand(Update.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () ->
            ifCurrent(state, cmd, () -> onUpdate(state, cmd))))
        .onCommand(Delete.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () ->
            ifCurrent(state, cmd, () -> persist(new Deleted(id, EventTime.now(), cmd.requestId(), cmd.by().userId(),
                // A moderator deleting someone else's item moderates it; deleting one's own item does not.
                !cmd.by().is(state.ownerId()), null), cmd))))
        .onCommand(Restore.class, (state, cmd) -> permitted(state, cmd.by(), cmd, () -> notDeleted(cmd)));
    builder
        .forAnyState()
        .onCommand(DetachCategory.class, this::onDetachCategory)
        .onCommand(DeleteWithOwner.class, this::onOwnerDeleted)
        .onCommand(RestoreWithOwner.class, this::onOwnerRestored)
        .onCommand(Get.class, (state, cmd) -> visible(state, cmd.by()) ? accept(state, cmd) : notFound(cmd));
  }

  private static boolean visible(State state, Actor by) {
    return canSee(by, state.ownerId(), state.status(), state.deleted());
  }

  /** {@code decide} runs for a user who may change the item; one who may not see it is told it does not exist. */
  private ReplyEffect<Event, State> permitted(State state, Actor by, Request<State> cmd, Supplier<ReplyEffect<Event, State>> decide) {
    if (!visible(state, by)) {
      return notFound(cmd);
    }
    if (!canChange(by, state.ownerId())) {
      return forbidden(cmd, "only the item's owner, an editor or an admin may change " + name());
    }
    return decide.get();
  }

  private ReplyEffect<Event, State> onUpdate(State state, Update cmd) {
    Changes c = cmd.changes();
    List<FieldError> errors = new ArrayList<>(validate(c.title(), c.content(), c.status()));
    errors.addAll(validateTags(c.tags()));
    if (!errors.isEmpty()) {
      return invalid(cmd, errors);
    }
    if (c.status() != null && !c.status().equals(state.status()) && !c.status().equals(NEXT_STATUS.get(state.status()))) {
      return reject(cmd, Rejection.INVALID_TRANSITION, name() + " cannot go from " + state.status()
          + " to " + c.status() + "; from " + state.status() + " it can only go to " + NEXT_STATUS.get(state.status()));
    }
    String title = c.title() == null ? state.title() : c.title();
    String content = c.content() == null ? state.content() : c.content();
    String status = c.status() == null ? state.status() : c.status();
    UUID categoryId = c.categoryIdSent() ? c.categoryId() : state.categoryId();
    List<String> tags = c.tags() == null ? state.tags() : canonicalTags(c.tags());
    List<String> changed = new ArrayList<>();
    if (!title.equals(state.title())) changed.add("title");
    if (!content.equals(state.content())) changed.add("content");
    if (!status.equals(state.status())) changed.add("status");
    if (!Objects.equals(categoryId, state.categoryId())) changed.add("category_id");
    if (!tags.equals(state.tags())) changed.add("tags");
    if (changed.isEmpty()) {
      return accept(state, cmd);
    }
    return persist(new Updated(id, title, content, status, categoryId, tags, changed, EventTime.now(), cmd.requestId()), cmd);
  }

  /**
   * An item a moderator deleted stays deleted until a moderator restores it; one deleted with its
   * owner until its owner is restored (the reads hide a deleted user's items anyway).
   */
  private ReplyEffect<Event, State> onRestore(State state, Restore cmd) {
    if (state.deletedWithOwner()) {
      return reject(cmd, Rejection.DELETED, name() + " was deleted with its owner; restoring its owner restores it");
    }
    if (state.moderatedBy() != null && !cmd.by().curator()) {
      return forbidden(cmd, name() + " was deleted by a moderator; only an editor or an admin may restore it");
    }
    return ifCurrent(state, cmd, () -> persist(new Restored(id, EventTime.now(), cmd.requestId()), cmd));
  }

  private ReplyEffect<Event, State> onDetachCategory(State state, DetachCategory cmd) {
    if (!cmd.categoryId().equals(state.categoryId())) {
      return accept(state, cmd);
    }
    return persist(new CategoryDetached(id, cmd.categoryId(), EventTime.now(), cmd.requestId()), cmd);
  }

  private ReplyEffect<Event, State> onOwnerDeleted(State state, DeleteWithOwner cmd) {
    if (!state.active() || !cmd.ownerId().equals(state.ownerId())) {
      return accept(state, cmd);
    }
    return persist(new Deleted(id, EventTime.now(), cmd.requestId(), null, false, DeletionReason.OWNER_DELETED), cmd);
  }

  private ReplyEffect<Event, State> onOwnerRestored(State state, RestoreWithOwner cmd) {
    if (!state.deletedWithOwner() || !cmd.ownerId().equals(state.ownerId())) {
      return accept(state, cmd);
    }
    return persist(new Restored(id, EventTime.now(), cmd.requestId()), cmd);
  }
}
