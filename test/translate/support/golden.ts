import fs from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { App, Destination } from '../../../shared/model/app.js';

export const GOLDEN_DIR = path.join(import.meta.dirname, '..', 'golden');

export const DEFAULT_DESTINATIONS = {
  compose: Destination.parse({ type: 'docker', name: 'local-docker', server: 'local' }),
  kubernetes: Destination.parse({ type: 'kubernetes', name: 'cluster', context: 'default' }),
};

export interface GoldenCase {
  name: string;
  dir: string;
  app: App;
  destinations: { compose: Destination; kubernetes: Destination };
}

/** Each directory under golden/ is a case: berth.yaml, optional destinations.yaml, and the expected output beside them. */
export function goldenCases(): GoldenCase[] {
  return fs.readdirSync(GOLDEN_DIR).sort().map((name) => {
    const dir = path.join(GOLDEN_DIR, name);
    const app = App.parse(load(fs.readFileSync(path.join(dir, 'berth.yaml'), 'utf8')));
    const destFile = path.join(dir, 'destinations.yaml');
    const custom = (fs.existsSync(destFile) ? load(fs.readFileSync(destFile, 'utf8')) : {}) as Record<string, unknown>;
    return {
      name,
      dir,
      app,
      destinations: {
        compose: custom.compose ? Destination.parse(custom.compose) : DEFAULT_DESTINATIONS.compose,
        kubernetes: custom.kubernetes ? Destination.parse(custom.kubernetes) : DEFAULT_DESTINATIONS.kubernetes,
      },
    };
  });
}
