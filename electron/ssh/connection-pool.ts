import type { SshConnection } from './ssh-connection.js';

export interface PoolEvents {
  connecting(key: string): void;
  connected(key: string): void;
  failed(key: string, err: unknown): void;
  closed(key: string): void;
}

/**
 * At most one live connection per server. Concurrent users share one connect
 * attempt; a connection that drops leaves the pool so the next use reconnects.
 */
export class ConnectionPool {
  private readonly live = new Map<string, Promise<SshConnection>>();

  constructor(private readonly events: PoolEvents) {}

  get(key: string, open: () => Promise<SshConnection>): Promise<SshConnection> {
    const existing = this.live.get(key);
    if (existing) return existing;
    this.events.connecting(key);
    const attempt = open().then(
      (connection) => {
        connection.onClose(() => {
          if (this.live.get(key) === attempt) this.live.delete(key);
          this.events.closed(key);
        });
        this.events.connected(key);
        return connection;
      },
      (err: unknown) => {
        if (this.live.get(key) === attempt) this.live.delete(key);
        this.events.failed(key, err);
        throw err;
      },
    );
    this.live.set(key, attempt);
    return attempt;
  }

  /** Closes and forgets the server's connection, e.g. after its settings changed. */
  async drop(key: string): Promise<void> {
    const attempt = this.live.get(key);
    this.live.delete(key);
    const connection = await attempt?.catch(() => undefined);
    connection?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.live.keys()].map((key) => this.drop(key)));
  }
}
