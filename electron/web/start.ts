import { parseArgs } from 'node:util';
import { createCore } from '../core.js';
import { ApiError } from '../../shared/api/errors.js';
import { nodeSecretStore } from '../secrets/node-secret-store.js';
import { resolveDataDir } from '../storage/paths.js';
import { packageVersion, startWebHost } from './server.js';

// `npm run web [-- --port N]`: Berth's UI in a local browser, no Electron needed.
const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be a number from 0 to 65535 (0 picks a free port), not ${values.port}.\n`);
  process.exit(2);
}

const dataDir = resolveDataDir();
const secrets = nodeSecretStore(dataDir);
try {
  // Opens the store now: a wrong BERTH_SECRETS_PASSPHRASE should stop the start, not a login later.
  await secrets.keys();
} catch (err) {
  process.stderr.write(`${err instanceof ApiError ? err.message : String(err)}\n`);
  process.exit(2);
}
if (secrets.persistent) process.stdout.write('Passwords and passphrases you choose to remember are kept encrypted with BERTH_SECRETS_PASSPHRASE.\n');
const core = createCore({ host: 'web', secrets, dataDir, version: packageVersion() });
const host = await startWebHost({ port, core });
process.stdout.write(`Berth is running at ${host.url}\nOpen it in your browser. Press Ctrl-C to stop.\n`);

const stop = async () => {
  await host.close();
  await core.dispose();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
