package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.persistence.query.Sequence;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.Settings;
import io.tablecast.aggregate.Reply;
import io.tablecast.category.Category;
import io.tablecast.db.ProjectionOffsets;
import io.tablecast.projection.EventProcesses;
import io.tablecast.projection.PooledJdbcSession;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ON DELETE SET NULL, event-sourced: for every deleted category, each item that names it gets a
 * {@code DetachCategory} command, so its history records {@code CategoryDetached}.
 *
 * <p>It is a projection over category events with its own offset (no read table): a crash midway
 * resumes from the last deletion not yet finished, and the commands are idempotent (an item no
 * longer in the category ignores it). Before it looks items up, it waits until the items projection
 * has applied every item event written before the deletion, so the items table names every item
 * that was in the category at that moment. A write that names the category is checked against it
 * before (422 if deleted) and after (detached at once if deleted meanwhile; see ItemRoutes), so a
 * write that lands after the deletion in the journal cannot keep the category either.
 */
public final class CategoryDetacher extends JdbcHandler<EventEnvelope<Category.Event>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(CategoryDetacher.class);
  public static final String NAME = "category-detacher";
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(50);
  private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(60);

  private final ClusterSharding sharding;
  private final ProjectionOffsets offsets;
  private final ItemQueries items;
  private final Duration askTimeout;

  private CategoryDetacher(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    this.sharding = ClusterSharding.get(system);
    this.offsets = new ProjectionOffsets(dataSource);
    this.items = new ItemQueries(dataSource);
    this.askTimeout = settings.http().askTimeout();
  }

  /** Runs one instance in the cluster. */
  public static void start(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    EventProcesses.<Category.Event>startOnce(system, NAME, Category.TAG, dataSource, () -> new CategoryDetacher(system, settings, dataSource));
  }

  @Override
  public void process(PooledJdbcSession session, EventEnvelope<Category.Event> envelope) throws Exception {
    if (!(envelope.event() instanceof Category.Deleted deleted)) {
      return;
    }
    long ordering = ((Sequence) envelope.offset()).value();
    awaitItemsUpTo(ordering);
    int detached = 0;
    for (UUID itemId : items.inCategory(deleted.categoryId())) {
      Reply<Item.State> reply = sharding.entityRefFor(Item.ENTITY_TYPE_KEY, itemId.toString())
          .<Reply<Item.State>>ask(replyTo -> new Item.DetachCategory(deleted.categoryId(), null, replyTo), askTimeout)
          .toCompletableFuture()
          .get(askTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
      if (reply instanceof Item.Accepted) {
        detached++;
      }
    }
    log.info("Category {} deleted: detached {} items", deleted.categoryId(), detached);
  }

  /**
   * Waits until the live generation of the items projection (looked up each time: a rebuild may
   * have switched it) has applied every item event up to this journal position.
   */
  private void awaitItemsUpTo(long ordering) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
    while (offsets.eventsPending(ItemProjection.NAME, Item.TAG_PREFIX, ordering)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the items projection has not caught up with journal position " + ordering);
      }
      Thread.sleep(CATCH_UP_POLL.toMillis());
    }
  }
}
