import { Ajv, type CodeOptions, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export interface SchemaIssue {
  /** JSON pointer into the validated document, e.g. /services/web/ports/0. */
  path: string;
  message: string;
}

/**
 * Compiles a draft-07 schema once. `strict: false` because published schemas
 * (compose-spec) use annotation keywords such as `deprecated`; `$schema` is
 * dropped because Ajv 8 does not know the https draft-07 URI compose-spec uses.
 */
export function compileSchema(schema: object): (doc: unknown) => SchemaIssue[] {
  const validate: ValidateFunction = compiledAhead.get(schema) ?? newAjv().compile(withoutMetaSchema(schema));
  return (doc) => (validate(doc) ? [] : simplify(validate.errors ?? []));
}

/** The one Ajv setup, shared with the build-time compilation (scripts/cli-schemas.ts) so both validate alike. */
export function newAjv(code?: CodeOptions): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, ...(code ? { code } : {}) });
  addFormats(ajv);
  return ajv;
}

export function withoutMetaSchema(schema: object): object {
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return rest;
}

const compiledAhead = new WeakMap<object, ValidateFunction>();

/**
 * A validator compiled at build time (Ajv standalone code) for this very
 * schema object; compileSchema then uses it instead of compiling, which costs
 * far more than validating (about 0.1 s for compose-spec). The CLI's build
 * (scripts/build-cli.mjs) registers them; everything else compiles on first use.
 */
export function registerCompiledSchema(schema: object, validate: ValidateFunction): void {
  compiledAhead.set(schema, validate);
}

/** oneOf failures list every branch; keep the most specific message per path. */
function simplify(errors: ErrorObject[]): SchemaIssue[] {
  const byPath = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const detail = e.keyword === 'additionalProperties' ? `has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"` : e.message ?? 'is invalid';
    if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, detail);
  }
  if (byPath.size === 0 && errors[0]) byPath.set(errors[0].instancePath, errors[0].message ?? 'is invalid');
  return [...byPath].map(([path, message]) => ({ path: path || '/', message }));
}
