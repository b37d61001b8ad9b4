package io.tablecast.category;

import akka.http.javadsl.server.Route;
import io.tablecast.Feature;
import io.tablecast.Node;
import io.tablecast.projection.ReadProjection;
import java.util.List;

/** Categories: the Category entity, the categories projection, /api/categories. */
public final class CategoryFeature implements Feature {

  @Override
  public List<ReadProjection<?>> projections() {
    return List.of(CategoryProjection.definition());
  }

  @Override
  public Route start(Node node) {
    Category.init(node.system(), node.settings());
    Categories categories = new Categories(node.system(), node.settings(), node.reservations());
    return new CategoryRoutes(node.system(), node.settings(), node.authentication(), categories,
        new CategoryQueries(node.database().dataSource())).routes();
  }
}
