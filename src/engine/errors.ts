// Typed errors: each says what was expected and what came, so a user can act on it.

/** Base class of every error this library throws on purpose. */
export class HrmError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A tensor or buffer has the wrong shape or size. */
export class ShapeError extends HrmError {}

/**
 * A kernel got arguments it cannot run on (wrong buffer type or size, an index out of range, a dimension it
 * does not support) or could not get memory: names the backend's kernel (`op`), the buffer, what was
 * expected and what came. `kind` keeps the JavaScript class such a check would have thrown.
 */
export class KernelError extends HrmError {
  constructor(
    message: string,
    readonly op: string,
    readonly kind: "type" | "range" | "other" = "other",
  ) {
    super(message);
  }
}

/** An invariant of this library broke (a bug, not a user error); the message says which. */
export class InternalError extends HrmError {}

/** A configuration object has an unknown key, a wrong type, or an impossible value. */
export class ConfigError extends HrmError {}

/** A checkpoint or tensor file is truncated, malformed, hostile, or does not match the model. */
export class CheckpointError extends HrmError {}

/** Input data (CSV, JSON, npy, dataset folders) is malformed. */
export class DataError extends HrmError {}

/** A command-line usage error (unknown option, missing argument). */
export class UsageError extends HrmError {}
