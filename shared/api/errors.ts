import { z } from 'zod';

/**
 * Errors that cross the API carry a stable code and a message that tells the
 * user what to do next. Anything else thrown in the core reaches the UI as
 * INTERNAL with its message.
 */
export const ErrorCode = z.enum([
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'HOST_KEY_REJECTED',
  'AUTH_FAILED',
  'CONNECT_TIMEOUT',
  'CONNECT_REFUSED',
  'HOST_UNREACHABLE',
  'ALGORITHM_MISMATCH',
  'CONNECTION_LOST',
  'CANCELLED',
  'SECRET_STORAGE_UNAVAILABLE',
  /** A file in Berth's data directory cannot be read; the message names it and says what to do. */
  'CORRUPT_FILE',
  'UNSUPPORTED',
  /** Something the server needs (Docker's daemon, compose) is missing or not running; the message says how to fix it. */
  'UNAVAILABLE',
  /** Another deploy of the app holds its lock; the message names the holder. */
  'LOCKED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({ code: ErrorCode, message: z.string() });
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message };
  }

  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    const parsed = ApiErrorShape.safeParse(err);
    if (parsed.success) return new ApiError(parsed.data.code, parsed.data.message);
    const message = err instanceof Error ? err.message : String(err);
    return new ApiError('INTERNAL', message);
  }
}

/** One line naming each invalid field and what is wrong with it; `root` names the value itself. */
export function describeIssues(error: z.ZodError, root = '(root)'): string {
  return error.issues.map((i) => `${i.path.join('.') || root}: ${i.message}`).join('; ');
}
