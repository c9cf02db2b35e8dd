import { ApiError, type ErrorCode } from '../../../shared/api/errors';

export interface ShownError {
  code: ErrorCode;
  message: string;
  /** The input field the core refused (auth.keyPath), when it named one. */
  field?: string;
}

/** What the UI shows for a failed call: the core's message already says what to do next. */
export function toShownError(err: unknown): ShownError {
  const error = ApiError.from(err);
  return { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
}

/** Just the message of a failed call or a thrown error, for inline notes. */
export function errorMessage(err: unknown): string {
  return ApiError.from(err).message;
}

/** Host key problems that must never be waved through from the UI. */
export function isHostKeyAlarm(code: ErrorCode): boolean {
  return code === 'HOST_KEY_CHANGED' || code === 'HOST_KEY_REVOKED';
}
