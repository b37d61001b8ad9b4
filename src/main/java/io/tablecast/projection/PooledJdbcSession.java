package io.tablecast.projection;

import akka.japi.function.Function;
import akka.projection.jdbc.JdbcSession;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** One transaction on a pooled connection: a batch's rows and its offset commit together. */
public final class PooledJdbcSession implements JdbcSession {
  private final Connection connection;

  public PooledJdbcSession(DataSource dataSource) {
    try {
      this.connection = dataSource.getConnection();
      connection.setAutoCommit(false);
    } catch (SQLException e) {
      throw new IllegalStateException("no database connection for the projection", e);
    }
  }

  @Override
  public <Result> Result withConnection(Function<Connection, Result> func) throws Exception {
    return func.apply(connection);
  }

  @Override
  public void commit() throws SQLException {
    connection.commit();
  }

  @Override
  public void rollback() throws SQLException {
    connection.rollback();
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
