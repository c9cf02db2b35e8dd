// Regenerates the committed JSON Schemas: `npx tsx scripts/gen-app-schema.ts`.
// test/translate/schemas.test.ts fails when they are out of date.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../electron/storage/atomic-file.js';
import { berthAppJsonSchema } from '../shared/validate/berth-schema.js';
import { kubernetesSchema } from '../shared/validate/kubernetes-schema.js';

export const SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'schemas');

export const generatedSchemas = (): Record<string, unknown> => ({
  'berth-app.schema.json': berthAppJsonSchema(),
  'kubernetes.schema.json': kubernetesSchema,
});

export const schemaText = (schema: unknown): string => `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const [file, schema] of Object.entries(generatedSchemas())) {
    await writeFileAtomic(path.join(SCHEMA_DIR, file), schemaText(schema), 0o644);
    process.stdout.write(`wrote assets/schemas/${file}\n`);
  }
}
