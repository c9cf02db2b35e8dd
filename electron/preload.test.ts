import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../shared/api/errors.js';
import { API_CALL_CHANNEL, API_EVENT_CHANNEL } from './ipc-policy.js';
import { PRELOAD_GLOBAL, preloadApi, type IpcRendererLike } from './preload-api.js';

// preload.ts itself, with Electron replaced: what it hands to contextBridge is all the page ever gets.
const bridge = vi.hoisted(() => ({ exposed: [] as [string, unknown][] }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => bridge.exposed.push([name, api]) },
  ipcRenderer: { invoke: async () => ({ ok: true, result: 'from main' }), on: () => undefined, removeListener: () => undefined },
}));

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc(reply: unknown = { ok: true, result: { version: '1' } }) {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async (_channel: string, ..._args: unknown[]) => reply),
    on: vi.fn((channel: string, listener: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    }),
    removeListener: vi.fn((channel: string, listener: Listener) => listeners.get(channel)?.delete(listener)),
  } satisfies IpcRendererLike;
  // What ipcRenderer passes a listener: an event whose `sender` is ipcRenderer itself.
  const emit = (...args: unknown[]) => {
    for (const listener of listeners.get(API_EVENT_CHANNEL) ?? []) listener({ sender: ipc, ports: [] }, ...args);
  };
  return { ipc, emit, listeners };
}

describe('preload', () => {
  it('preload.ts exposes exactly one global, window.berth, with exactly call and subscribe', async () => {
    await import('./preload.js');
    expect(bridge.exposed.map(([name]) => name)).toEqual([PRELOAD_GLOBAL]);
    expect(PRELOAD_GLOBAL).toBe('berth');
    const api = bridge.exposed[0]![1] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['call', 'subscribe']);
    expect(Object.getOwnPropertyNames(api).sort()).toEqual(['call', 'subscribe']);
    expect(Object.values(api).map((v) => typeof v)).toEqual(['function', 'function']);
    expect(Object.isFrozen(api)).toBe(true);
    await expect((api.call as (m: string, i: unknown) => Promise<unknown>)('system.info', {})).resolves.toBe('from main');
  });

  it('a call goes out on the one call channel with the method and input, and nothing else', async () => {
    const { ipc } = fakeIpc();
    await expect(preloadApi(ipc).call('system.info', {})).resolves.toEqual({ version: '1' });
    expect(ipc.invoke.mock.calls).toEqual([[API_CALL_CHANNEL, 'system.info', {}]]);
  });

  it('unknown methods and events are refused before IPC', async () => {
    const { ipc } = fakeIpc();
    const api = preloadApi(ipc);
    await expect(api.call('ipcRenderer.send' as never, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(api.call('__proto__' as never, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => api.subscribe('toString' as never, () => undefined)).toThrow(ApiError);
    expect(ipc.invoke).not.toHaveBeenCalled();
    expect(ipc.on).not.toHaveBeenCalled();
  });

  it("main's refusals come back as API errors", async () => {
    const { ipc } = fakeIpc({ ok: false, error: { code: 'NOT_FOUND', message: 'No such server.' } });
    const error = await preloadApi(ipc).call('system.info', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No such server.' });
  });

  it('a listener gets only the payload of its own event: never the IPC event or its sender', () => {
    const { ipc, emit } = fakeIpc();
    const listener = vi.fn();
    preloadApi(ipc).subscribe('prompt.closed', listener);
    emit('terminal.data', { terminalId: 't', data: new Uint8Array([120]) });
    emit('prompt.closed', { promptId: 'p1' });
    expect(listener.mock.calls).toEqual([[{ promptId: 'p1' }]]);
  });

  it('unsubscribing removes the very listener it added', () => {
    const { ipc, emit, listeners } = fakeIpc();
    const listener = vi.fn();
    const off = preloadApi(ipc).subscribe('prompt.closed', listener);
    expect(listeners.get(API_EVENT_CHANNEL)?.size).toBe(1);
    off();
    expect(listeners.get(API_EVENT_CHANNEL)?.size).toBe(0);
    emit('prompt.closed', {});
    expect(listener).not.toHaveBeenCalled();
    expect(ipc.removeListener.mock.calls[0]![1]).toBe(ipc.on.mock.calls[0]![1]);
  });
});
