// One error type per kind of failure; src/web/errorHandler.ts maps each to a page or to problem+json.

export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} was not found`);
    this.name = 'NotFoundError';
  }
}

export type FieldErrors = Record<string, string>;

export class InvalidInputError extends Error {
  constructor(
    readonly fieldErrors: FieldErrors,
    message = 'There is a problem with what was entered',
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

/** A save that started from an older version than the one now stored. */
export class ConflictError extends Error {
  constructor(
    readonly what: string,
    readonly currentVersion: number,
    readonly current: unknown,
  ) {
    super(`${what} was changed by someone else since you opened it (it is now at version ${currentVersion})`);
    this.name = 'ConflictError';
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'You do not have permission to do that') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
