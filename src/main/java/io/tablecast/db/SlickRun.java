package io.tablecast.db;

import scala.concurrent.Future;
import slick.dbio.DBIOAction;
import slick.dbio.NoStream;
import slick.jdbc.JdbcBackend;

/** How the journal DAOs hand a plain JDBC action to akka-persistence-jdbc's Slick database. */
final class SlickRun {
  private SlickRun() {}

  /**
   * Slick's {@code run} takes an action of any effect ({@code DBIOAction[R, NoStream, Nothing]});
   * in Scala the effect type parameter is contravariant, which Java's generics cannot say.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static <R> Future<R> run(JdbcBackend.DatabaseDef db, DBIOAction<R, NoStream, ?> action) {
    return db.run((DBIOAction) action);
  }
}
