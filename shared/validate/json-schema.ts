import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
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
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate: ValidateFunction = ajv.compile(rest);
  return (doc) => (validate(doc) ? [] : simplify(validate.errors ?? []));
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
