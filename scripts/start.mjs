// `npm start`: build and launch the Electron app, or explain plainly why it cannot.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const bin = electronBinary();
if (!bin) {
  console.error(
    [
      'Berth: the Electron binary is not installed.',
      'This happens when `npm install` ran offline or with ELECTRON_SKIP_BINARY_DOWNLOAD=1.',
      '',
      'To fix it, with network access run:   npm rebuild electron',
      'Or use Berth in your browser now:      npm run web',
    ].join('\n'),
  );
  process.exit(1);
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(bin, ['.'], { stdio: 'inherit' });
process.exit(run.status ?? 0);
