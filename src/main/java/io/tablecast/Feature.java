package io.tablecast;

import akka.Done;
import akka.http.javadsl.server.Route;
import io.tablecast.projection.ReadProjection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A feature of the service (items, categories, users) as a node starts it. A feature is written
 * in its own package and registered in {@link Tablecast#FEATURES}: adding one touches that list
 * and nothing else outside the feature's package.
 */
public interface Feature {

  /** The read projections this feature owns; each owns the tables of {@code db/read/<name>}. */
  List<ReadProjection<?>> projections();

  /** Starts the feature's entities and processes on this node, and answers its HTTP routes. */
  Route start(Node node) throws Exception;

  /** Work to finish once the node is Up in its cluster, before it reports ready. */
  default CompletionStage<Done> whenUp(Node node) {
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
