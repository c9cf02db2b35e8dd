/**
 * The fake Kubernetes API server's object store: one global resourceVersion counter (as etcd's revision), a bounded
 * history of watch events (a watch from a resourceVersion older than the history gets 410 Expired), and live watchers.
 */
import type { ResourceType } from './resources.js';

export type KObj = Record<string, unknown> & { metadata: Record<string, unknown> };

export interface WatchEvent { type: 'ADDED' | 'MODIFIED' | 'DELETED'; resource: string; namespace: string; rv: number; object: KObj; prev?: KObj }

export interface Watcher {
  resource: string;
  namespace?: string;
  send(ev: WatchEvent): void;
}

export const HISTORY_LIMIT = 2000;

export function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v)) as T;
}

export function meta(o: KObj): Record<string, unknown> {
  return o.metadata;
}

export class ObjectStore {
  private rv = 1000;
  private readonly objs = new Map<string, KObj>();
  readonly history: WatchEvent[] = [];
  readonly watchers = new Set<Watcher>();
  /** resourceVersion of the oldest event a watch may still start after */
  compactedRV = 1000;
  private listeners: Array<(ev: WatchEvent) => void> = [];

  private key(resource: string, namespace: string, name: string): string {
    return `${resource}\u0000${namespace}\u0000${name}`;
  }

  currentRV(): number {
    return this.rv;
  }

  onChange(fn: (ev: WatchEvent) => void): void {
    this.listeners.push(fn);
  }

  get(r: ResourceType, namespace: string, name: string): KObj | undefined {
    const o = this.objs.get(this.key(r.plural + '.' + r.group, r.namespaced ? namespace : '', name));
    return o ? clone(o) : undefined;
  }

  list(r: ResourceType, namespace?: string): KObj[] {
    const res = r.plural + '.' + r.group;
    const out: KObj[] = [];
    for (const [k, o] of this.objs) {
      const [kr, kns] = k.split('\u0000');
      if (kr !== res) continue;
      if (namespace !== undefined && r.namespaced && kns !== namespace) continue;
      out.push(clone(o));
    }
    out.sort((a, b) => {
      const an = `${String(a.metadata.namespace ?? '')}/${String(a.metadata.name)}`;
      const bn = `${String(b.metadata.namespace ?? '')}/${String(b.metadata.name)}`;
      return an < bn ? -1 : an > bn ? 1 : 0;
    });
    return out;
  }

  /** Writes (create or update) and returns the stored copy with its new resourceVersion. */
  put(r: ResourceType, obj: KObj, type: 'ADDED' | 'MODIFIED'): KObj {
    const ns = r.namespaced ? String(obj.metadata.namespace ?? '') : '';
    const name = String(obj.metadata.name);
    this.rv += 1;
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(this.rv);
    const k = this.key(r.plural + '.' + r.group, ns, name);
    const prev = this.objs.get(k);
    this.objs.set(k, stored);
    this.emit({ type, resource: r.plural + '.' + r.group, namespace: ns, rv: this.rv, object: clone(stored), ...(prev && type === 'MODIFIED' ? { prev: clone(prev) } : {}) });
    return clone(stored);
  }

  remove(r: ResourceType, namespace: string, name: string): KObj | undefined {
    const k = this.key(r.plural + '.' + r.group, r.namespaced ? namespace : '', name);
    const o = this.objs.get(k);
    if (!o) return undefined;
    this.objs.delete(k);
    this.rv += 1;
    const gone = clone(o);
    gone.metadata.resourceVersion = String(this.rv);
    this.emit({ type: 'DELETED', resource: r.plural + '.' + r.group, namespace: r.namespaced ? namespace : '', rv: this.rv, object: clone(gone) });
    return gone;
  }

  private emit(ev: WatchEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY_LIMIT) {
      const dropped = this.history.splice(0, this.history.length - HISTORY_LIMIT);
      this.compactedRV = dropped[dropped.length - 1]?.rv ?? this.compactedRV;
    }
    for (const w of this.watchers) {
      if (w.resource !== ev.resource) continue;
      if (w.namespace !== undefined && w.namespace !== ev.namespace) continue;
      w.send(ev);
    }
    for (const l of this.listeners) l(ev);
  }

  /** Events after `rv` for one resource; undefined when `rv` is older than the retained history. */
  since(resource: string, rv: number, namespace?: string): WatchEvent[] | undefined {
    if (rv < this.compactedRV) return undefined;
    return this.history.filter((e) => e.rv > rv && e.resource === resource && (namespace === undefined || e.namespace === namespace));
  }

  /** Test hook: forget history up to now, so older resourceVersions are expired. */
  compact(): void {
    this.history.length = 0;
    this.compactedRV = this.rv;
  }
}
