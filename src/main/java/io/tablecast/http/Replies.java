package io.tablecast.http;

import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCode;
import akka.http.javadsl.model.StatusCodes;
import io.tablecast.aggregate.Rejection;
import io.tablecast.aggregate.Reply;
import java.util.function.Function;

/** An aggregate's reply as an HTTP response: the one place where a rejection gets its status. */
public final class Replies {
  private Replies() {}

  /** {@code accepted} renders the state after an accepted command; a rejection becomes problem+json. */
  public static <S> HttpResponse toResponse(Reply<S> reply, Function<S, HttpResponse> accepted) {
    if (reply instanceof Reply.Accepted<S> a) {
      return accepted.apply(a.state());
    }
    Reply.Rejected<S> rejected = (Reply.Rejected<S>) reply;
    return Problem.response(status(rejected.reason()), rejected.message());
  }

  public static StatusCode status(Rejection reason) {
    return switch (reason) {
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case ALREADY_EXISTS, DELETED, NOT_DELETED, INVALID_TRANSITION -> StatusCodes.CONFLICT;
      case VERSION_MISMATCH -> StatusCodes.PRECONDITION_FAILED;
      case INVALID -> StatusCodes.BAD_REQUEST;
      case FORBIDDEN, WRONG_PASSWORD -> StatusCodes.FORBIDDEN;
    };
  }
}
