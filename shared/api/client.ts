import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from './contract.js';

/**
 * What a transport must provide. Electron's preload and the web host's
 * WebSocket client both implement it; the UI sees only BerthApi.
 */
export interface Transport {
  call(method: MethodName, input: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export interface BerthApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Typed view over a transport. Outputs are trusted: the core validated them. */
export function createApiClient(transport: Transport): BerthApi {
  return {
    call: (method, input) => transport.call(method, input) as never,
    on: (event, listener) => transport.subscribe(event, listener as (payload: unknown) => void),
  };
}
