import path from 'node:path';
import { z } from 'zod';
import { SshServer } from '../../shared/model/server.js';
import { DocumentStore } from '../storage/document-store.js';

export const ServersDocument = z.object({ servers: z.array(SshServer) });
export type ServersDocument = z.infer<typeof ServersDocument>;

/** <dataDir>/servers.json, schema version 1. "This computer" is built in and never stored. */
export function serverStore(dataDir: string): DocumentStore<typeof ServersDocument> {
  return new DocumentStore(path.join(dataDir, 'servers.json'), ServersDocument, {
    version: 1,
    empty: () => ({ servers: [] }),
    loss: 'the servers saved in it are then forgotten',
  });
}
