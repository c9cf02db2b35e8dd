import { z } from 'zod';
import { issueField, issueMessage } from './issue-messages.js';

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

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** The input field the error is about (services.web.image, auth.keyPath), so a form can show it there. */
  field: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }

  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    const parsed = ApiErrorShape.safeParse(err);
    if (parsed.success) return new ApiError(parsed.data.code, parsed.data.message, parsed.data.field);
    const message = err instanceof Error ? err.message : String(err);
    return new ApiError('INTERNAL', message);
  }
}

/**
 * One sentence per invalid field, naming it and saying what to type instead (issue-messages.ts); a field
 * below the top level also says where it is. `root` names the value itself.
 */
export function describeIssues(error: z.ZodError, root = 'value'): string {
  // One sentence per field: an empty name also fails its pattern, and the first problem is the one to fix.
  const seen = new Set<string>();
  return error.issues
    .filter((i) => {
      const key = issueField(i.path);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((i) => {
      const text = issueMessage(i, i.path.length === 0 ? root : undefined);
      return i.path.length > 1 ? `${text.replace(/\.$/, '')} (at ${issueField(i.path)}).` : text;
    })
    .join(' ');
}
