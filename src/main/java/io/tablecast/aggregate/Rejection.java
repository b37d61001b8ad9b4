package io.tablecast.aggregate;

/** Why an aggregate refused a command. The HTTP edge maps each to one status, in one place. */
public enum Rejection {
  NOT_FOUND,
  ALREADY_EXISTS,
  DELETED,
  NOT_DELETED,
  VERSION_MISMATCH,
  INVALID,
  INVALID_TRANSITION,
  FORBIDDEN,
  /** The current password sent to confirm a change of one's own password is wrong. */
  WRONG_PASSWORD
}
