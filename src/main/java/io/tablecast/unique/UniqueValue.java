package io.tablecast.unique;

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
import akka.persistence.typed.javadsl.EffectBuilder;
import akka.persistence.typed.javadsl.EventHandler;
import akka.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import akka.persistence.typed.javadsl.ReplyEffect;
import akka.persistence.typed.javadsl.RetentionCriteria;
import io.tablecast.EntityLog;
import io.tablecast.EventTime;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.Traced;
import io.tablecast.metrics.Metrics;
import java.time.Instant;
import java.util.UUID;

/**
 * The reservation of one unique value (an email, a category name), keyed {@code <kind>:<value>}.
 * Cluster Sharding makes it the single writer for that value in the whole cluster, so of many
 * concurrent claims exactly one is granted. A claim names its owner (the aggregate about to be
 * created); the creator confirms it once the owner exists and releases it when the owner gives
 * the value up. {@link Reservations} holds the protocol around it, including what happens when a
 * creator crashed between claiming and creating.
 */
public final class UniqueValue
    extends EventSourcedBehaviorWithEnforcedReplies<UniqueValue.Command, UniqueValue.Event, UniqueValue.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY = EntityTypeKey.create(Command.class, "UniqueValue");

  // ---- commands and replies ----

  public sealed interface Command extends JsonSerializable {}

  /** Reserve the value for {@code owner}; granted when it is free or already the owner's. */
  public record Claim(UUID owner, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  /** Take the value from {@code holder}, but only if it is still held by that claim. */
  public record TakeOver(UUID holder, long claim, UUID owner, String requestId, ActorRef<Reply> replyTo)
      implements Command, Traced {}

  public record Confirm(UUID owner, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Release(UUID owner, String requestId, ActorRef<Reply> replyTo) implements Command, Traced {}

  public record Lookup(ActorRef<Reply> replyTo) implements Command {}

  public sealed interface Reply extends JsonSerializable {}

  public record Granted(UUID owner) implements Reply {}

  /** Held by another owner since {@code claimedAt}; {@code claim} counts the claims so far. */
  public record Held(UUID holder, boolean confirmed, long claim, Instant claimedAt) implements Reply {}

  public record Free() implements Reply {}

  // ---- events ----

  public sealed interface Event extends JsonSerializable {
    UUID owner();

    Instant at();
  }

  public record Claimed(UUID owner, Instant at) implements Event {}

  public record Confirmed(UUID owner, Instant at) implements Event {}

  public record Released(UUID owner, Instant at) implements Event {}

  // ---- state ----

  public record State(UUID owner, boolean confirmed, long claims, Instant claimedAt) implements JsonSerializable {
    static final State FREE = new State(null, false, 0, null);

    boolean free() {
      return owner == null;
    }

    boolean heldBy(UUID candidate) {
      return candidate.equals(owner);
    }

    Reply asReply() {
      return free() ? new Free() : new Held(owner, confirmed, claims, claimedAt);
    }

    State apply(Event event) {
      if (event instanceof Claimed e) {
        return new State(e.owner(), false, claims + 1, e.at());
      } else if (event instanceof Confirmed e) {
        return new State(owner, true, claims, claimedAt);
      } else if (event instanceof Released e) {
        return new State(null, false, claims, null);
      }
      throw new IllegalArgumentException("unknown unique-value event " + event.getClass().getName());
    }
  }

  // ---- behavior ----

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_TYPE_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  public static Behavior<Command> create(String key, Settings settings) {
    return Behaviors.setup(ctx -> new UniqueValue(key, settings, ctx));
  }

  private final Settings settings;
  private final EntityLog log;

  private UniqueValue(String key, Settings settings, ActorContext<Command> ctx) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), key),
        settings.aggregates().restartBackoff());
    this.settings = settings;
    this.log = new EntityLog(
        "unique_value", persistenceId().id(), () -> lastSequenceNumber(ctx), Metrics.get(ctx.getSystem()));
  }

  @Override
  public State emptyState() {
    return State.FREE;
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
    return Traced.inMdc(newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(Claim.class, this::onClaim)
        .onCommand(TakeOver.class, this::onTakeOver)
        .onCommand(Confirm.class, this::onConfirm)
        .onCommand(Release.class, this::onRelease)
        .onCommand(Lookup.class, (state, cmd) -> Effect().reply(cmd.replyTo(), state.asReply()))
        .build());
  }

  /** A claim by the current owner is persisted again: it moves {@code claims}, fencing pending take-overs. */
  private ReplyEffect<Event, State> onClaim(State state, Claim cmd) {
    if (state.free() || state.heldBy(cmd.owner())) {
      return claim(cmd.owner(), cmd.requestId(), cmd.replyTo());
    }
    return Effect().reply(cmd.replyTo(), state.asReply());
  }

  private ReplyEffect<Event, State> onTakeOver(State state, TakeOver cmd) {
    boolean unchanged = state.heldBy(cmd.holder()) && state.claims() == cmd.claim();
    if (state.free() || unchanged) {
      return claim(cmd.owner(), cmd.requestId(), cmd.replyTo());
    }
    if (state.heldBy(cmd.owner())) {
      return Effect().reply(cmd.replyTo(), new Granted(cmd.owner()));
    }
    return Effect().reply(cmd.replyTo(), state.asReply());
  }

  private ReplyEffect<Event, State> onConfirm(State state, Confirm cmd) {
    if (!state.heldBy(cmd.owner())) {
      return Effect().reply(cmd.replyTo(), state.asReply());
    }
    if (state.confirmed()) {
      return Effect().reply(cmd.replyTo(), new Granted(cmd.owner()));
    }
    return persist(new Confirmed(cmd.owner(), EventTime.now()), cmd.requestId()).thenReply(cmd.replyTo(), s -> new Granted(cmd.owner()));
  }

  private ReplyEffect<Event, State> onRelease(State state, Release cmd) {
    if (!state.heldBy(cmd.owner())) {
      return Effect().reply(cmd.replyTo(), state.asReply());
    }
    return persist(new Released(cmd.owner(), EventTime.now()), cmd.requestId()).thenReply(cmd.replyTo(), s -> new Free());
  }

  private ReplyEffect<Event, State> claim(UUID owner, String requestId, ActorRef<Reply> replyTo) {
    return persist(new Claimed(owner, EventTime.now()), requestId).thenReply(replyTo, s -> new Granted(owner));
  }

  private EffectBuilder<Event, State> persist(Event event, String requestId) {
    return Effect().persist(event).thenRun(s -> log.persisted(event, requestId));
  }

}
