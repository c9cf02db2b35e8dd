// Build time, for scripts/build-cli.mjs: the JSON schemas the CLI validates against,
// compiled ahead into Ajv standalone modules so `berth render` and `berth validate`
// do not spend their start compiling them (see registerCompiledSchema).
import { _ } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import composeSpec from '../assets/schemas/compose-spec.json';
import { newAjv, withoutMetaSchema } from '../shared/validate/json-schema.js';
import { kubernetesSchema } from '../shared/validate/kubernetes-schema.js';

export interface CompiledSchema {
  /** The module holding the schema object, relative to the repository, and the export that is the schema. */
  module: string;
  exportName: string;
  /** An ES module exporting `validate`. */
  source: string;
}

/** Every schema compileSchema is called with at run time (shared/translate/render/validate-output.ts). */
const SCHEMAS: Array<{ module: string; exportName: string; schema: object }> = [
  { module: 'assets/schemas/compose-spec.json', exportName: 'default', schema: composeSpec },
  { module: 'shared/validate/kubernetes-schema.ts', exportName: 'kubernetesSchema', schema: kubernetesSchema },
];

export function compiledSchemas(): CompiledSchema[] {
  return SCHEMAS.map(({ module, exportName, schema }) => {
    const ajv = newAjv({ source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fullFormats` });
    return { module, exportName, source: standaloneCode(ajv, ajv.compile(withoutMetaSchema(schema))) };
  });
}
