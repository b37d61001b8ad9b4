package io.tablecast.item;

import akka.actor.typed.ActorSystem;
import io.tablecast.category.Categories;
import io.tablecast.category.Category;
import io.tablecast.category.CategoryQueries;
import io.tablecast.category.CategoryView;
import io.tablecast.http.Blocking;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What an item's writes need of categories, the one seam between the two features: that a
 * category an item is to name is live (asked of the Category aggregate, once), and the name of the
 * item's category for the answer (from the categories read table; a category that table does not
 * show live is asked of its aggregate).
 *
 * <p>A category can be deleted between a write's check and the write. Its deletion then comes
 * first in the journal, so the {@link CategoryDetacher} may not see the write; the write detaches
 * the item itself when it finds the category deleted afterwards.
 */
final class ItemCategories {
  private final Categories categories;
  private final CategoryQueries queries;
  private final Blocking blocking;

  ItemCategories(ActorSystem<?> system, Categories categories, CategoryQueries queries) {
    this.categories = categories;
    this.queries = queries;
    this.blocking = new Blocking(system);
  }

  /** The category a write is to name, if it is live; empty (the write answers 422) otherwise. */
  CompletionStage<Optional<Category.State>> live(UUID categoryId) {
    return categories.live(categoryId);
  }

  /**
   * The item as the answer shows it, with its category's name. {@code checked}: the category this
   * write checked (null if none). {@code detach} sends the item a DetachCategory for its category
   * and answers with the item after it.
   */
  CompletionStage<ItemView> view(Item.State item, Category.State checked, Function<UUID, CompletionStage<Item.State>> detach) {
    UUID categoryId = item.categoryId();
    if (categoryId == null) {
      return CompletableFuture.completedFuture(ItemView.of(item, null));
    }
    if (checked != null && checked.id().equals(categoryId)) {
      return categories.stillLive(checked).thenCompose(live -> live
          ? CompletableFuture.completedFuture(ItemView.of(item, checked.name()))
          : detached(categoryId, detach));
    }
    return blocking.run(() -> queries.find(categoryId, false).map(CategoryView::name)).thenCompose(name -> name.isPresent()
        ? CompletableFuture.completedFuture(ItemView.of(item, name.get()))
        : categories.live(categoryId).thenCompose(category -> category.isPresent()
            ? CompletableFuture.completedFuture(ItemView.of(item, category.get().name()))
            : detached(categoryId, detach)));
  }

  private static CompletionStage<ItemView> detached(UUID categoryId, Function<UUID, CompletionStage<Item.State>> detach) {
    return detach.apply(categoryId).thenApply(state -> ItemView.of(state, null));
  }
}
