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

/** A configuration object has an unknown key, a wrong type, or an impossible value. */
export class ConfigError extends HrmError {}

/** A checkpoint or tensor file is truncated, malformed, hostile, or does not match the model. */
export class CheckpointError extends HrmError {}

/** Input data (CSV, JSON, npy, dataset folders) is malformed. */
export class DataError extends HrmError {}

/** A command-line usage error (unknown option, missing argument). */
export class UsageError extends HrmError {}
