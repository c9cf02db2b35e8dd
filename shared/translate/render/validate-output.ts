import type { Diagnostic } from '../../model/diagnostic.js';
import composeSpec from '../../../assets/schemas/compose-spec.json';
import { compileSchema, type SchemaIssue } from '../../validate/json-schema.js';
import { composeSemanticErrors } from '../../validate/compose-semantic.js';
import { kubernetesSchema } from '../../validate/kubernetes-schema.js';
import { isKnownKind, modelErrors } from '../../validate/kubernetes-models.js';
import { kubernetesSemanticErrors } from '../../validate/kubernetes-semantic.js';

// Compiling a schema costs far more than using it, so each is compiled once, on first use.
let composeValidator: ((doc: unknown) => SchemaIssue[]) | undefined;
let kubernetesValidator: ((doc: unknown) => SchemaIssue[]) | undefined;

/** Points a problem in compose output back at the service it came from. */
function composeField(path: string): string | undefined {
  const m = /^\/services\/([^/]+)/.exec(path);
  return m ? `services.${m[1]!.replace(/~1/g, '/').replace(/~0/g, '~')}` : undefined;
}

export function validateComposeOutput(compose: Record<string, unknown>, file = 'compose.yaml'): Diagnostic[] {
  composeValidator ??= compileSchema(composeSpec);
  const schema: Diagnostic[] = composeValidator(compose).map((issue) => ({
    severity: 'error', code: 'COMPOSE_SCHEMA', message: `${issue.path} ${issue.message}`, field: composeField(issue.path), file,
  }));
  return [...schema, ...composeSemanticErrors(compose).map((d) => ({ ...d, file }))];
}

type Obj = Record<string, unknown> & { kind?: unknown; metadata?: { name?: unknown; labels?: Record<string, string> } };

/** Objects carry app.kubernetes.io/name = service, which leads back to the definition. */
function kubernetesField(o: Obj): string | undefined {
  const service = o.metadata?.labels?.['app.kubernetes.io/name'];
  return service ? `services.${service}` : undefined;
}

export function validateKubernetesOutput(objects: Obj[], file = 'kubernetes.yaml'): Diagnostic[] {
  kubernetesValidator ??= compileSchema(kubernetesSchema);
  const out: Diagnostic[] = [];
  for (const o of objects) {
    const label = `${String(o.kind)} ${String(o.metadata?.name ?? '?')}`;
    if (!isKnownKind(o.apiVersion, o.kind)) {
      out.push({ severity: 'warning', code: 'K8S_KIND_UNCHECKED', message: `${label}: ${String(o.apiVersion)} ${String(o.kind)} is not a kind Berth checks.`, file });
      continue;
    }
    for (const m of modelErrors(o)) out.push({ severity: 'error', code: 'K8S_SCHEMA', message: `${label}: ${m.replace(/^data/, '')}`, field: kubernetesField(o), file });
    for (const issue of kubernetesValidator(o)) {
      out.push({ severity: 'error', code: issue.message.startsWith('has unknown field') ? 'K8S_UNKNOWN_FIELD' : 'K8S_SCHEMA', message: `${label}: ${issue.path} ${issue.message}`, field: kubernetesField(o), file });
    }
  }
  return [...out, ...kubernetesSemanticErrors(objects, kubernetesField).map((d) => ({ ...d, file }))];
}
