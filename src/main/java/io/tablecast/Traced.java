package io.tablecast;

import akka.persistence.typed.javadsl.CommandHandlerWithReply;
import java.util.Map;

/**
 * A command sent on behalf of an HTTP request: {@code requestId} is the request's X-Request-Id
 * (null when no request is behind the command). While an entity handles the command, the id is in
 * the logging MDC as {@code request_id}, so whatever the entity logs meanwhile names the request.
 * The events of items, users, categories and profiles carry the id of the command that persisted
 * them too (null for events written without a request, or before they carried it), for the
 * projections' logs.
 */
public interface Traced {
  String MDC_KEY = "request_id";

  String requestId();

  /**
   * The entity's command handler, with the request id of each traced command in the MDC while it
   * runs. Set around the handler rather than per message ({@code Behaviors.withMdc}): a command
   * that arrives while the entity recovers or persists is stashed and handled later, on another
   * message.
   */
  static <C, E, S> CommandHandlerWithReply<C, E, S> inMdc(CommandHandlerWithReply<C, E, S> handler) {
    return (state, command) -> {
      String requestId = command instanceof Traced traced ? traced.requestId() : null;
      if (requestId == null) {
        return handler.apply(state, command);
      }
      return LogContext.with(Map.of(MDC_KEY, requestId), () -> handler.apply(state, command));
    };
  }
}
