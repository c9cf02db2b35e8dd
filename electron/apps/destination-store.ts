import path from 'node:path';
import { z } from 'zod';
import { Destination, destinationTarget } from '../../shared/model/app.js';
import { ApiError } from '../../shared/api/errors.js';
import { findSameName } from '../../shared/model/unique-names.js';
import { DocumentStore } from '../storage/document-store.js';

/** Offered until the user saves a destination of their own: Docker on this computer. */
export const LOCAL_DOCKER: Destination = Destination.parse({ type: 'docker', name: 'local-docker', server: 'local' });

/** Destinations in `<dataDir>/destinations.json`. */
export class DestinationStore {
  private readonly store: DocumentStore<z.ZodArray<typeof Destination>>;

  constructor(dataDir: string) {
    this.store = new DocumentStore(path.join(dataDir, 'destinations.json'), z.array(Destination), {
      version: 1,
      empty: () => [],
      loss: 'the destinations saved in it are then forgotten',
    });
  }

  async list(): Promise<Destination[]> {
    const saved = await this.store.read();
    return saved.length > 0 ? saved : [LOCAL_DOCKER];
  }

  async get(name: string): Promise<Destination> {
    const found = (await this.list()).find((d) => d.name === name);
    if (!found) throw new ApiError('NOT_FOUND', `There is no destination named ${name}; add it under Destinations first.`);
    return found;
  }

  /**
   * Creates a destination, or with `original` replaces that one (renaming it when the name differs). Creating never
   * replaces: a name another destination has, in any case, is refused with the one that has it. `check` runs once the
   * file has been read and before it is written; it throws to refuse the destination.
   */
  async save(destination: Destination, options: { original?: string; check?: (destination: Destination) => Promise<void> } = {}): Promise<Destination> {
    const { original, check } = options;
    await this.store.update(async (saved) => {
      const all = saved.length > 0 ? [...saved] : [LOCAL_DOCKER];
      const index = original === undefined ? -1 : all.findIndex((d) => d.name === original);
      if (original !== undefined && index === -1) throw new ApiError('NOT_FOUND', `There is no destination named ${original} to change; it may have been removed. Create it again.`);
      const other = findSameName(all, destination.name, (d) => d === all[index]);
      if (other) throw new ApiError('CONFLICT', `A destination named "${other.name}" already exists (${destinationTarget(other)}). Choose another name, or edit that one.`, 'name');
      await check?.(destination);
      if (index === -1) all.push(destination);
      else all[index] = destination;
      return all;
    });
    return destination;
  }

  async remove(name: string): Promise<void> {
    await this.store.update((saved) => (saved.length > 0 ? saved : [LOCAL_DOCKER]).filter((d) => d.name !== name));
  }
}

