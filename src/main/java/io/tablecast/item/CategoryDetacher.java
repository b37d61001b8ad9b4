package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import akka.persistence.query.Sequence;
import akka.projection.eventsourced.EventEnvelope;
import akka.projection.jdbc.javadsl.JdbcHandler;
import io.tablecast.Settings;
import io.tablecast.category.Category;
import io.tablecast.projection.EventProcesses;
import io.tablecast.projection.PooledJdbcSession;
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
 * that was in the category at that moment ({@link ItemCommands}). A write that names the category
 * is checked against it before (422 if deleted) and after (detached at once if deleted meanwhile;
 * see ItemRoutes), so a write that lands after the deletion in the journal cannot keep the
 * category either.
 */
public final class CategoryDetacher extends JdbcHandler<EventEnvelope<Category.Event>, PooledJdbcSession> {
  private static final Logger log = LoggerFactory.getLogger(CategoryDetacher.class);
  public static final String NAME = "category-detacher";

  private final ItemQueries items;
  private final ItemCommands commands;

  private CategoryDetacher(ActorSystem<?> system, Settings settings, DataSource dataSource) {
    this.items = new ItemQueries(dataSource);
    this.commands = new ItemCommands(system, settings, dataSource);
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
    commands.awaitItemsUpTo(((Sequence) envelope.offset()).value());
    int detached = commands.send(items.inCategory(deleted.categoryId()),
        replyTo -> new Item.DetachCategory(deleted.categoryId(), null, replyTo));
    log.info("Category {} deleted: detached {} items", deleted.categoryId(), detached);
  }
}
