import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { SCHEMA_DIR, generatedSchemas, schemaText } from '../../scripts/gen-app-schema.js';
import { compileSchema } from '../../shared/validate/json-schema.js';
import { berthAppJsonSchema } from '../../shared/validate/berth-schema.js';
import { GOLDEN_DIR } from './support/golden.js';

describe('committed JSON schemas', () => {
  for (const [file, schema] of Object.entries(generatedSchemas())) {
    it(`${file} is up to date (regenerate with npx tsx scripts/gen-app-schema.ts)`, () => {
      expect(fs.readFileSync(path.join(SCHEMA_DIR, file), 'utf8')).toBe(schemaText(schema));
    });
  }

  it('the berth.yaml schema accepts every golden app and rejects a typo', () => {
    const validate = compileSchema(berthAppJsonSchema());
    for (const dir of fs.readdirSync(GOLDEN_DIR)) {
      expect(validate(load(fs.readFileSync(path.join(GOLDEN_DIR, dir, 'berth.yaml'), 'utf8'))), dir).toEqual([]);
    }
    const typo = { apiVersion: 'berth.dev/v1', kind: 'App', name: 'x', services: { web: { image: 'x', replica: 2 } } };
    expect(validate(typo).length).toBeGreaterThan(0);
  });
});
