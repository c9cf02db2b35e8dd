import path from 'node:path';
import { z } from 'zod';
import { RenderedFile } from '../../shared/api/contract.js';
import { readFileIfExists } from '../storage/atomic-file.js';

const LastDeployed = z.object({ files: z.array(RenderedFile), deployedAt: z.string() });
export type LastDeployed = z.infer<typeof LastDeployed>;

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `<dataDir>/deployments/<app>/<destination>/last.json`, written by deploys; null until the first one. */
export async function readLastDeployed(dataDir: string, app: string, destination: string): Promise<LastDeployed | null> {
  if (!SAFE.test(app) || !SAFE.test(destination)) return null;
  const text = await readFileIfExists(path.join(dataDir, 'deployments', app, destination, 'last.json'));
  if (text === undefined) return null;
  const parsed = LastDeployed.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}
