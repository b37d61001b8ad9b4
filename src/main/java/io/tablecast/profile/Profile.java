package io.tablecast.profile;

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
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Profile aggregate: a user's one profile (bio, website, location, avatar). Its id IS its
 * user's id, so Cluster Sharding gives each user's profile one writer in the cluster, and a user
 * can never have two. The user or an admin creates or replaces it (PUT), changes part of it
 * (PATCH) or deletes it; a PUT after a deletion creates it anew.
 *
 * <p>It follows its owner ({@link ProfileCascade}): when the user is deleted, a live profile is
 * deleted with them, by an event that says so; when the user is restored, only a profile that went
 * with them comes back. While the user is deleted the profile takes no writes; the aggregate
 * records that even for a user without a profile, so that a PUT racing the deletion cannot create
 * one after the cascade has passed.
 */
public final class Profile extends Aggregate<Profile.Command, Profile.Event, Profile.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "Profile");
  private static final Kind<Command, State> KIND =
      new Kind<>(ENTITY_TYPE_KEY, "profile", State.EMPTY, state -> new Accepted(state, false));
  public static final String TAG_PREFIX = "profile";
  public static final int MAX_BIO_LENGTH = 2000;
  public static final int MAX_WEBSITE_LENGTH = 300;
  public static final int MAX_LOCATION_LENGTH = 100;
  public static final int MAX_AVATAR_URL_LENGTH = 500;

  // ---- commands: a user's changes carry who sends them; the cascade's are the service's own ----

  public sealed interface Command extends JsonSerializable {}

  /** A command of the user or an admin. */
  public sealed interface Change extends Command, Conditional<State> {
    Actor by();
  }

  /** Create or replace: the profile becomes {@code fields}, a field left null is empty. */
  public record Put(Fields fields, Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Change {}

  /** Only the fields named in {@code sent} change, to their value in {@code fields} (null clears). */
  public record Patch(Fields fields, Set<String> sent, Actor by, Long expectedVersion, String requestId,
      ActorRef<Reply<State>> replyTo) implements Change {}

  public record Delete(Actor by, Long expectedVersion, String requestId, ActorRef<Reply<State>> replyTo)
      implements Change {}

  /** The owner was deleted ({@code requestId}: the deletion's). */
  public record DeleteWithOwner(String requestId, ActorRef<Reply<State>> replyTo) implements Command, Request<State> {}

  /** The owner was restored. */
  public record RestoreWithOwner(String requestId, ActorRef<Reply<State>> replyTo) implements Command, Request<State> {}

  /** {@code created}: this command created the profile (a PUT answers 201). */
  public record Accepted(State state, boolean created) implements Reply.Accepted<State> {}

  /** What a client sets, by the API's names: bio, website, location, avatar_url. */
  public record Fields(String bio, String website, String location, String avatarUrl) {
    static final Fields EMPTY = new Fields(null, null, null, null);

    /** These fields with those named in {@code sent} taken from {@code changes}. */
    Fields with(Fields changes, Set<String> sent) {
      return new Fields(
          sent.contains("bio") ? changes.bio : bio,
          sent.contains("website") ? changes.website : website,
          sent.contains("location") ? changes.location : location,
          sent.contains("avatar_url") ? changes.avatarUrl : avatarUrl);
    }

    /** The names of the fields that differ from {@code other}'s. */
    List<String> changedFrom(Fields other) {
      List<String> changed = new ArrayList<>();
      if (!Objects.equals(bio, other.bio)) changed.add("bio");
      if (!Objects.equals(website, other.website)) changed.add("website");
      if (!Objects.equals(location, other.location)) changed.add("location");
      if (!Objects.equals(avatarUrl, other.avatarUrl)) changed.add("avatar_url");
      return changed;
    }
  }

  // ---- events ----

  public sealed interface Event extends Aggregate.Event {
    UUID userId();
  }

  public record Created(UUID userId, String bio, String website, String location, String avatarUrl, Instant at,
      @JsonInclude(NON_NULL) String requestId) implements Event {}

  /** The profile's fields after a replace or a partial change, and which of them changed. */
  public record Updated(UUID userId, String bio, String website, String location, String avatarUrl, List<String> changed,
      Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  /** Deleted by its user or an admin: it stays deleted when a deletion of the user is undone. */
  public record Deleted(UUID userId, Instant at, @JsonInclude(NON_NULL) String requestId) implements Event {}

  /** The owner was deleted; {@code profileDeleted}: a live profile was deleted with them. */
  public record OwnerDeleted(UUID userId, boolean profileDeleted, Instant at, @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  /** The owner was restored; {@code profileRestored}: the profile their deletion took is live again. */
  public record OwnerRestored(UUID userId, boolean profileRestored, Instant at, @JsonInclude(NON_NULL) String requestId)
      implements Event {}

  // ---- state ----

  /**
   * {@code id} is null until a profile is first created. {@code ownerDeleted}: the user is deleted
   * (no writes); {@code deletedWithOwner}: the profile was live when they were, and comes back with them.
   */
  public record State(
      UUID id,
      Fields fields,
      Instant createdAt,
      Instant updatedAt,
      Instant deletedAt,
      long version,
      boolean ownerDeleted,
      boolean deletedWithOwner)
      implements Aggregate.State<State, Event> {

    static final State EMPTY = new State(null, Fields.EMPTY, null, null, null, 0, false, false);

    public boolean live() {
      return exists() && !deleted();
    }

    @Override
    public State apply(Event event) {
      long next = version + 1;
      if (event instanceof Created e) {
        Fields created = new Fields(e.bio(), e.website(), e.location(), e.avatarUrl());
        return new State(e.userId(), created, e.at(), e.at(), null, next, false, false);
      } else if (event instanceof Updated e) {
        Fields updated = new Fields(e.bio(), e.website(), e.location(), e.avatarUrl());
        return new State(id, updated, createdAt, e.at(), null, next, false, false);
      } else if (event instanceof Deleted e) {
        return new State(id, fields, createdAt, e.at(), e.at(), next, false, false);
      } else if (event instanceof OwnerDeleted e) {
        return e.profileDeleted()
            ? new State(id, fields, createdAt, e.at(), e.at(), next, true, true)
            : new State(id, fields, createdAt, updatedAt, deletedAt, next, true, false);
      } else if (event instanceof OwnerRestored e) {
        return e.profileRestored()
            ? new State(id, fields, createdAt, e.at(), null, next, false, false)
            : new State(id, fields, createdAt, updatedAt, deletedAt, next, false, false);
      }
      throw new IllegalArgumentException("unknown profile event " + event.getClass().getName());
    }
  }

  // ---- rules ----

  /** Every field may be empty (null); each has its bound, and the two URLs must be http or https. */
  public static List<FieldError> validate(Fields fields) {
    List<FieldError> errors = new ArrayList<>();
    if (fields.bio() != null && fields.bio().length() > MAX_BIO_LENGTH) {
      errors.add(new FieldError("bio", "must be at most " + MAX_BIO_LENGTH + " characters"));
    }
    if (fields.website() != null && !isWebUrl(fields.website(), MAX_WEBSITE_LENGTH)) {
      errors.add(new FieldError("website", "must be an http or https URL of at most " + MAX_WEBSITE_LENGTH + " characters"));
    }
    if (fields.location() != null && fields.location().length() > MAX_LOCATION_LENGTH) {
      errors.add(new FieldError("location", "must be at most " + MAX_LOCATION_LENGTH + " characters"));
    }
    if (fields.avatarUrl() != null && !isWebUrl(fields.avatarUrl(), MAX_AVATAR_URL_LENGTH)) {
      errors.add(new FieldError("avatar_url", "must be an http or https URL of at most " + MAX_AVATAR_URL_LENGTH + " characters"));
    }
    return errors;
  }

  /** An absolute http or https URL with a host, such as https://example.com/ada: never javascript:, data: or a relative path. */
  static boolean isWebUrl(String text, int maxLength) {
    if (text.length() > maxLength) {
      return false;
    }
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  // ---- behavior ----

  public static void init(ActorSystem<?> system, Settings settings) {
    initSharded(system, ENTITY_TYPE_KEY, id -> create(id, settings));
  }

  /** The tag of the profile of this user: its slice of the profiles projection. */
  public static String tagOf(String userId, Settings settings) {
    return TAG_PREFIX + "-" + Math.floorMod(userId.hashCode(), settings.projections().slices());
  }

  public static Behavior<Command> create(String userId, Settings settings) {
    return Behaviors.setup(ctx -> new Profile(userId, settings, ctx));
  }

  private Profile(String userId, Settings settings, ActorContext<Command> ctx) {
    super(KIND, userId, Set.of(tagOf(userId, settings)), settings, ctx);
  }

  @Override
  protected void handlers(CommandHandlerWithReplyBuilder<Command, Event, State> builder) {
    builder
        .forState(State::ownerDeleted)
        .onCommand(Put.class, (state, cmd) -> permitted(cmd, () -> ownerDeleted(cmd)))
        .onCommand(Patch.class, (state, cmd) -> permitted(cmd, () -> ownerDeleted(cmd)))
        .onCommand(Delete.class, (state, cmd) -> permitted(cmd, () -> ownerDeleted(cmd)))
        .onCommand(DeleteWithOwner.class, (state, cmd) -> accept(state, cmd))
        .onCommand(RestoreWithOwner.class, (state, cmd) ->
            persist(new OwnerRestored(id, state.deletedWithOwner(), EventTime.now(), cmd.requestId()), cmd));
    builder
        .forState(State::live)
        .onCommand(Put.class, (state, cmd) -> permitted(cmd, () ->
            ifCurrent(state, cmd, () -> change(state, cmd.fields(), cmd))))
        .onCommand(Patch.class, (state, cmd) -> permitted(cmd, () ->
            ifCurrent(state, cmd, () -> change(state, state.fields().with(cmd.fields(), cmd.sent()), cmd))))
        .onCommand(Delete.class, (state, cmd) -> permitted(cmd, () ->
            ifCurrent(state, cmd, () -> persist(new Deleted(id, EventTime.now(), cmd.requestId()), cmd))));
    // No profile yet, or one deleted by hand; the owner is there.
    builder
        .forAnyState()
        .onCommand(Put.class, (state, cmd) -> permitted(cmd, () -> onCreate(state, cmd)))
        .onCommand(Patch.class, (state, cmd) -> permitted(cmd, () -> absent(state, cmd)))
        .onCommand(Delete.class, (state, cmd) -> permitted(cmd, () -> absent(state, cmd)))
        .onCommand(DeleteWithOwner.class, (state, cmd) ->
            persist(new OwnerDeleted(id, state.live(), EventTime.now(), cmd.requestId()), cmd))
        .onCommand(RestoreWithOwner.class, (state, cmd) -> accept(state, cmd));
  }

  private ReplyEffect<Event, State> permitted(Change cmd, Supplier<ReplyEffect<Event, State>> decide) {
    return cmd.by().is(id) || cmd.by().admin()
        ? decide.get()
        : forbidden(cmd, "only the user themself or an admin may change their profile");
  }

  private ReplyEffect<Event, State> ownerDeleted(Change cmd) {
    return reject(cmd, Rejection.NOT_FOUND, "user " + id + " is deleted");
  }

  private ReplyEffect<Event, State> absent(State state, Change cmd) {
    return state.exists()
        ? reject(cmd, Rejection.DELETED, name() + " is deleted; a PUT creates a new one")
        : notFound(cmd);
  }

  /**
   * A profile that is not there shows no ETag: a create matches If-Match "0" as well as the version
   * the aggregate is at (a deleted profile's, as its DELETE answered).
   */
  private ReplyEffect<Event, State> onCreate(State state, Put cmd) {
    Long expected = cmd.expectedVersion();
    if (expected != null && expected != 0 && expected != state.version()) {
      return reject(cmd, Rejection.VERSION_MISMATCH, name() + " does not exist: If-Match \"0\" creates it");
    }
    List<FieldError> errors = validate(cmd.fields());
    if (!errors.isEmpty()) {
      return invalid(cmd, errors);
    }
    Fields f = cmd.fields();
    Created created = new Created(id, f.bio(), f.website(), f.location(), f.avatarUrl(), EventTime.now(), cmd.requestId());
    return persist(created, cmd.requestId(), cmd.replyTo(), new Accepted(state.apply(created), true));
  }

  private ReplyEffect<Event, State> change(State state, Fields fields, Change cmd) {
    List<FieldError> errors = validate(fields);
    if (!errors.isEmpty()) {
      return invalid(cmd, errors);
    }
    List<String> changed = fields.changedFrom(state.fields());
    if (changed.isEmpty()) {
      return accept(state, cmd);
    }
    return persist(new Updated(id, fields.bio(), fields.website(), fields.location(), fields.avatarUrl(), changed,
        EventTime.now(), cmd.requestId()), cmd);
  }
}
