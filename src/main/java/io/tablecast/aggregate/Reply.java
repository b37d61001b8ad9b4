package io.tablecast.aggregate;

import io.tablecast.JsonSerializable;

/**
 * An aggregate's answer to a command: {@link Accepted}, with the state after the command, or
 * {@link Rejected}. Each aggregate declares its own Accepted record, so that Jackson knows the
 * concrete state it carries when the answer crosses the cluster.
 */
public interface Reply<S> extends JsonSerializable {

  /** The command was carried out (or changed nothing); {@code state} is the aggregate after it. */
  interface Accepted<S> extends Reply<S> {
    S state();
  }

  record Rejected<S>(Rejection reason, String message) implements Reply<S> {}
}
