package io.tablecast;

import akka.actor.typed.Behavior;
import akka.actor.typed.javadsl.Behaviors;
import java.util.Map;

/**
 * A command sent on behalf of an HTTP request: {@code requestId} is the request's X-Request-Id
 * (null when no request is behind the command). While an entity handles the command, the id is in
 * the logging MDC as {@code request_id}, so whatever the entity logs meanwhile names the request.
 */
public interface Traced {
  String MDC_KEY = "request_id";

  String requestId();

  /** The entity, with the request id of each traced command in the MDC while it handles it. */
  static <C> Behavior<C> entity(Class<C> commands, Behavior<C> behavior) {
    return Behaviors.withMdc(commands, Traced::mdc, behavior);
  }

  private static Map<String, String> mdc(Object command) {
    return command instanceof Traced traced && traced.requestId() != null
        ? Map.of(MDC_KEY, traced.requestId())
        : Map.of();
  }
}
