package io.tablecast.http;

import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.server.Directives;
import akka.http.javadsl.server.Route;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Who may call /admin until the admin role exists: everyone when tablecast.admin.open (ADMIN_OPEN)
 * is true, nobody otherwise (403). Authentication replaces this wrapper with the admin-role check.
 */
public final class AdminAccess {
  private AdminAccess() {}

  public static Function<Supplier<Route>, Route> openWhen(boolean open) {
    return inner -> open
        ? inner.get()
        : Directives.complete(Problem.response(
            StatusCodes.FORBIDDEN, "the admin API is closed; it needs the admin role (or tablecast.admin.open = true)"));
  }
}
