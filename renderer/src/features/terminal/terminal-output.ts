import { api } from '../../api/api';

type Sink = (data: Uint8Array) => void;

const sinks = new Map<string, Sink>();
/** Output that arrived before its view was mounted (the shell may print before `terminals.open` returns). */
const early = new Map<string, Uint8Array[]>();

api.on('terminal.data', ({ terminalId, data }) => {
  const sink = sinks.get(terminalId);
  if (sink) sink(data);
  else early.set(terminalId, [...(early.get(terminalId) ?? []), data]);
});

/** Routes a terminal's output to its view; output received earlier is replayed first. */
export function attachOutput(terminalId: string, sink: Sink): () => void {
  sinks.set(terminalId, sink);
  for (const data of early.get(terminalId) ?? []) sink(data);
  early.delete(terminalId);
  return () => {
    if (sinks.get(terminalId) === sink) sinks.delete(terminalId);
  };
}

/**
 * A reattached terminal starts from its scrollback: whatever arrived for it before the attach result is already in
 * it (one ordered connection carries both), so it is replaced, and later events follow on.
 */
export function primeOutput(terminalId: string, scrollback: Uint8Array): void {
  early.set(terminalId, scrollback.length ? [scrollback] : []);
}

export function forgetOutput(terminalId: string): void {
  sinks.delete(terminalId);
  early.delete(terminalId);
}
