/** Every error Kona shows a person or an API client: a code, an HTTP status and an actionable message. */
export const errorCodes = {
  KONA_ERR_VALIDATION: { status: 400, title: 'Some fields need attention' },
  KONA_ERR_BAD_REQUEST: { status: 400, title: 'The request could not be understood' },
  KONA_ERR_CSRF: { status: 403, title: 'This form has expired' },
  KONA_ERR_UNAUTHENTICATED: { status: 401, title: 'Please sign in' },
  KONA_ERR_FORBIDDEN: { status: 403, title: 'You do not have access to this' },
  KONA_ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  KONA_ERR_TENANT_UNKNOWN: { status: 404, title: 'No rescue here' },
  KONA_ERR_TENANT_DISABLED: { status: 410, title: 'This rescue is not available' },
  KONA_ERR_CONFLICT: { status: 409, title: 'That conflicts with what is already there' },
  KONA_ERR_RATE_LIMITED: { status: 429, title: 'Too many attempts' },
  KONA_ERR_PAYLOAD_TOO_LARGE: { status: 413, title: 'Too large' },
  KONA_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'This kind of file is not accepted' },
  KONA_ERR_UNAVAILABLE: { status: 503, title: 'Temporarily unavailable' },
  KONA_ERR_WRITE_UNCONFIRMED: { status: 503, title: 'Your change may or may not be saved' },
  KONA_ERR_DB_SWITCHING: { status: 503, title: 'The database is switching over' },
  KONA_ERR_INTERNAL: { status: 500, title: 'Something went wrong on our side' },
} as const;

/** One of the codes above. */
export type ErrorCode = keyof typeof errorCodes;

/** Field-level problems of a rejected form: field name to message. */
export type FieldErrors = Record<string, string>;

/** An expected failure with a code; the message is safe to show. */
export class KonaError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: { fields?: FieldErrors; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KonaError';
    this.status = errorCodes[code].status;
  }
}

/** Shorthand: a 404 for a record that does not exist (or that the actor may not know exists). */
export function notFound(what = 'That page'): KonaError {
  return new KonaError('KONA_ERR_NOT_FOUND', `${what} does not exist or was removed.`);
}
