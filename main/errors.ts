import type { CsuError } from '../preload/contract';
import type { ErrorCode } from '../preload/vocabulary';

/**
 * An error meant to reach the renderer. `code` is stable (the renderer maps it to French
 * through i18next); `message` is English, for developers and logs.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toWire(): CsuError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}
