import path from 'node:path';
import { z } from 'zod';
import { RenderedFile } from '../../shared/api/contract.js';
import { describeIssues } from '../../shared/api/errors.js';
import { readFileIfExists } from '../storage/atomic-file.js';
import { corruptFile, parseJsonFile } from '../storage/corrupt-file.js';

const LastDeployed = z.object({ files: z.array(RenderedFile), deployedAt: z.string() });
export type LastDeployed = z.infer<typeof LastDeployed>;

const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LOSS = 'the Diff tab then compares with nothing until the next deploy';

/** `<dataDir>/deployments/<app>/<destination>/last.json`, written by deploys; null until the first one. A broken record fails with its name. */
export async function readLastDeployed(dataDir: string, app: string, destination: string): Promise<LastDeployed | null> {
  if (!SAFE.test(app) || !SAFE.test(destination)) return null;
  const file = path.join(dataDir, 'deployments', app, destination, 'last.json');
  const text = await readFileIfExists(file);
  if (text === undefined) return null;
  const parsed = LastDeployed.safeParse(parseJsonFile(file, text, LOSS));
  if (!parsed.success) throw corruptFile(file, `is not a valid deploy record: ${describeIssues(parsed.error)}`, LOSS);
  return parsed.data;
}
