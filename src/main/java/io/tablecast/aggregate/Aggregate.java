package io.tablecast.aggregate;

import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorSystem;
import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.ActorContext;
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
import io.tablecast.EntityLog;
import io.tablecast.FieldError;
import io.tablecast.JsonSerializable;
import io.tablecast.Settings;
import io.tablecast.Traced;
import io.tablecast.metrics.Metrics;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The kernel every aggregate is written on. An aggregate's own file holds its commands, events,
 * state and rules; this class holds what all of them do alike: the persistence id, snapshots, the
 * event fold, replies and rejections, the If-Match version check, persist-and-reply with its log
 * line and metric, and the request id in the logging context while a command is handled.
 *
 * <p>An aggregate lists its handlers by state in {@link #handlers}, as Akka's samples do, with
 * {@code forState(...)} groups read top to bottom.
 */
public abstract class Aggregate<C, E extends Aggregate.Event, S extends Aggregate.State<S, E>>
    extends EventSourcedBehaviorWithEnforcedReplies<C, E, S> {

  /** An event: immutable forever, stamped with when it happened and the request that caused it. */
  public interface Event extends JsonSerializable, Traced {
    Instant at();
  }

  /**
   * The state: a pure fold of the events; {@code version} counts them (the sequence number). An
   * aggregate exists once it has an id, and is soft-deleted while it has a {@code deletedAt}.
   */
  public interface State<S, E> extends JsonSerializable {
    UUID id();

    Instant deletedAt();

    long version();

    S apply(E event);

    default boolean exists() {
      return id() != null;
    }

    default boolean deleted() {
      return deletedAt() != null;
    }
  }

  /** A command answered with a {@link Reply}; {@code requestId} names the HTTP request behind it. */
  public interface Request<S> extends Traced {
    ActorRef<Reply<S>> replyTo();

    @Override
    default String requestId() {
      return null;
    }
  }

  /** A command that applies only while the aggregate is at the version its sender saw (If-Match; null: any). */
  public interface Conditional<S> extends Request<S> {
    Long expectedVersion();
  }

  /**
   * What an aggregate is, declared once in its file: its entity type, what messages and metrics
   * call it (item, category, user), its state before any event, and its own Accepted record.
   */
  public record Kind<C, S>(EntityTypeKey<C> type, String name, S empty, Function<S, Reply<S>> accepted) {}

  /** Runs the aggregate under Cluster Sharding on this node: one entity per id, made by {@code create}. */
  public static <C> void initSharded(ActorSystem<?> system, EntityTypeKey<C> type, Function<String, Behavior<C>> create) {
    ClusterSharding.get(system).init(Entity.of(type, ctx -> create.apply(ctx.getEntityId())));
  }

  protected final UUID id;
  private final Kind<C, S> kind;
  private final Set<String> tags;
  private final Settings settings;
  private final EntityLog log;

  /** {@code tags}: the tags of every event of this entity (its slice of its projections). */
  protected Aggregate(Kind<C, S> kind, String entityId, Set<String> tags, Settings settings, ActorContext<C> ctx) {
    super(PersistenceId.of(kind.type().name(), entityId), settings.aggregates().restartBackoff());
    this.kind = kind;
    this.id = UUID.fromString(entityId);
    this.tags = tags;
    this.settings = settings;
    this.log = new EntityLog(kind.name(), persistenceId().id(), () -> lastSequenceNumber(ctx), Metrics.get(ctx.getSystem()));
  }

  /** The command handlers, grouped by state. */
  protected abstract void handlers(CommandHandlerWithReplyBuilder<C, E, S> builder);

  @Override
  public final CommandHandlerWithReply<C, E, S> commandHandler() {
    CommandHandlerWithReplyBuilder<C, E, S> builder = newCommandHandlerWithReplyBuilder();
    handlers(builder);
    return Traced.inMdc(builder.build());
  }

  @Override
  public final S emptyState() {
    return kind.empty();
  }

  @Override
  public final Set<String> tagsFor(E event) {
    return tags;
  }

  @Override
  public final EventHandler<S, E> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state.apply(event));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.aggregates().snapshotEvery(), settings.aggregates().keepSnapshots());
  }

  // ---- answers ----

  /** Replies with the state as it is: a read, or a command that changes nothing. */
  protected ReplyEffect<E, S> accept(S state, Request<S> cmd) {
    return Effect().reply(cmd.replyTo(), kind.accepted().apply(state));
  }

  /** Persists {@code event}, logs it, and replies with the state after it. */
  protected ReplyEffect<E, S> persist(E event, Request<S> cmd) {
    return Effect().persist(event)
        .thenRun(state -> log.persisted(event, cmd.requestId()))
        .thenReply(cmd.replyTo(), kind.accepted()::apply);
  }

  /** Persists {@code event} and logs it; the caller says what to reply. */
  protected <R> ReplyEffect<E, S> persist(E event, String requestId, ActorRef<R> replyTo, R reply) {
    return Effect().persist(event)
        .thenRun(state -> log.persisted(event, requestId))
        .thenReply(replyTo, state -> reply);
  }

  /** {@code decide} runs only if the command expects the state's version, or none (else VERSION_MISMATCH). */
  protected ReplyEffect<E, S> ifCurrent(S state, Conditional<S> cmd, Supplier<ReplyEffect<E, S>> decide) {
    if (cmd.expectedVersion() != null && cmd.expectedVersion() != state.version()) {
      return reject(cmd, Rejection.VERSION_MISMATCH, name() + " is at version " + state.version());
    }
    return decide.get();
  }

  protected ReplyEffect<E, S> reject(Request<S> cmd, Rejection reason, String message) {
    log.rejected(reason, message);
    return Effect().reply(cmd.replyTo(), new Reply.Rejected<>(reason, message));
  }

  /** The first of the field errors, as the aggregate's own check of its invariants. */
  protected ReplyEffect<E, S> invalid(Request<S> cmd, List<FieldError> errors) {
    return reject(cmd, Rejection.INVALID, errors.get(0).field() + " " + errors.get(0).message());
  }

  protected ReplyEffect<E, S> notFound(Request<S> cmd) {
    return reject(cmd, Rejection.NOT_FOUND, name() + " does not exist");
  }

  protected ReplyEffect<E, S> alreadyExists(Request<S> cmd) {
    return reject(cmd, Rejection.ALREADY_EXISTS, name() + " already exists");
  }

  protected ReplyEffect<E, S> rejectDeleted(Request<S> cmd) {
    return reject(cmd, Rejection.DELETED, name() + " is deleted; restore it before changing it");
  }

  protected ReplyEffect<E, S> notDeleted(Request<S> cmd) {
    return reject(cmd, Rejection.NOT_DELETED, name() + " is not deleted");
  }

  protected ReplyEffect<E, S> forbidden(Request<S> cmd, String message) {
    return reject(cmd, Rejection.FORBIDDEN, message);
  }

  /** "item 0196…": how messages name this aggregate. */
  protected String name() {
    return kind.name() + " " + id;
  }
}
