package io.tablecast.item;

import akka.http.javadsl.server.Route;
import io.tablecast.Feature;
import io.tablecast.Node;
import io.tablecast.category.Categories;
import io.tablecast.category.CategoryQueries;
import io.tablecast.projection.ReadProjection;
import java.util.List;

/**
 * Items: the Item entity, the items projection, the processes that detach deleted categories and
 * make items follow their owner, /api/items.
 */
public final class ItemFeature implements Feature {

  @Override
  public List<ReadProjection<?>> projections() {
    return List.of(ItemProjection.definition());
  }

  @Override
  public Route start(Node node) {
    Item.init(node.system(), node.settings());
    // Deleting a category detaches its items; it waits for the live items generation to catch up.
    CategoryDetacher.start(node.system(), node.settings(), node.database().dataSource());
    // Deleting a user deletes their items, restoring them restores those; likewise after the items catch up.
    OwnerCascade.start(node.system(), node.settings(), node.database().dataSource());
    return new ItemRoutes(node.system(), node.settings(), node.authentication(), node.metrics(),
        new ItemQueries(node.database().dataSource()),
        new ItemHistory(node.system(), node.settings().queries().history(), node.database().dataSource()),
        new Categories(node.system(), node.settings(), node.reservations()), new CategoryQueries(node.database().dataSource())).routes();
  }
}
