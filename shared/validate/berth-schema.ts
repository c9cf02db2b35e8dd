import { z } from 'zod';
import { App } from '../model/app.js';

/**
 * JSON Schema of berth.yaml as users write it (the zod input shape: fields
 * with defaults are optional). Committed as assets/schemas/berth-app.schema.json
 * for Monaco and other editors; a test fails when that file is stale.
 */
export function berthAppJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(App, { target: 'draft-7', io: 'input', unrepresentable: 'any' }),
    $id: 'https://berth.dev/schemas/berth-app.schema.json',
    title: 'Berth app definition (berth.yaml)',
  };
}
