/** Database errors with a stable code; main maps the code to a French message for the user. */
export class DbError extends Error {
  constructor(
    readonly code: 'DB_NOT_SQLITE' | 'DB_SCHEMA_NEWER' | 'DB_OPEN_FAILED' | 'JOURNAL_INVALID_ENTRY' | 'JOURNAL_PAYLOAD_TOO_LARGE' | 'CATALOGUE_INVALID',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DbError';
  }
}
