import { ApiError, type ApiErrorShape } from '../shared/api/errors.js';
import { isAppUrl } from './window-policy.js';
import type { Caller } from './api/call-context.js';

/** The API caller id of a window's page (see call-context.ts). */
export const windowClient = (webContentsId: number) => `window-${webContentsId}`;

/** The only two IPC channels: calls from the page, events to it. */
export const API_CALL_CHANNEL = 'berth:call';
export const API_EVENT_CHANNEL = 'berth:event';

export type Reply = { ok: true; result: unknown } | { ok: false; error: ApiErrorShape };

/** What main.ts reads of an IPC event's senderFrame (Electron's WebFrameMain). */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

/**
 * Checklist 17: a call counts only from the top frame of a page that shows the
 * app itself, never from a frame that navigated elsewhere or a subframe.
 */
export function ipcSenderAllowed(frame: SenderFrame | null | undefined, devServer?: string): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url, devServer);
}

/** The ipcMain.handle handler of API_CALL_CHANNEL: sender checked first, then the core validates the call. */
export function apiCallHandler(dispatch: (method: unknown, input: unknown, caller?: Caller) => Promise<unknown>, devServer?: string) {
  return async (event: { readonly senderFrame: SenderFrame | null; readonly sender?: { readonly id: number } }, method: unknown, input: unknown): Promise<Reply> => {
    if (!ipcSenderAllowed(event.senderFrame, devServer)) {
      return { ok: false, error: new ApiError('INVALID_INPUT', 'Call refused: it did not come from the Berth window.').toJSON() };
    }
    try {
      // The window is the caller: its terminals are detached when it reloads or closes (windowClient).
      return { ok: true, result: await dispatch(method, input, event.sender ? { client: windowClient(event.sender.id) } : undefined) };
    } catch (err) {
      return { ok: false, error: ApiError.from(err).toJSON() };
    }
  };
}
