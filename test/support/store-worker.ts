// A separate Berth process writing to a shared data directory, for the
// cross-process storage tests: node --import tsx test/support/store-worker.ts <dataDir> <servers|destinations|secrets> <prefix> <count>
import { EventBus } from '../../electron/api/event-bus.js';
import { DestinationStore } from '../../electron/apps/destination-store.js';
import { Destination } from '../../shared/model/app.js';
import { nodeSecretStore } from '../../electron/secrets/node-secret-store.js';
import { MemorySecretStore } from '../../electron/secrets/secret-store.js';
import { ServerService } from '../../electron/servers/server-service.js';

const [dataDir, kind, prefix, countText] = process.argv.slice(2);
if (!dataDir || !kind || !prefix || !countText) throw new Error('usage: store-worker <dataDir> <kind> <prefix> <count>');
const count = Number(countText);

if (kind === 'servers') {
  const service = new ServerService({ dataDir, secrets: new MemorySecretStore(), prompter: { ask: async () => ({ accept: false }) }, events: new EventBus(), sshDir: dataDir });
  for (let i = 0; i < count; i++) await service.add({ name: `${prefix}-${i}`, host: 'example.com', port: 22, user: 'deploy', auth: { method: 'agent' }, proxyJump: [] });
  await service.dispose();
} else if (kind === 'destinations') {
  const store = new DestinationStore(dataDir);
  for (let i = 0; i < count; i++) await store.save(Destination.parse({ type: 'kubernetes', name: `${prefix}-${i}`, context: 'default' }));
} else if (kind === 'secrets') {
  const store = nodeSecretStore(dataDir, { BERTH_SECRETS_PASSPHRASE: 'shared passphrase' });
  for (let i = 0; i < count; i++) await store.set(`${prefix}-${i}`, `value ${i}`);
} else {
  throw new Error(`unknown kind ${kind}`);
}
process.stdout.write('done\n');
