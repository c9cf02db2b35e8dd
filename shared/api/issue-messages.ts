import type { z } from 'zod';

/**
 * The one place where zod's issues become sentences a person can act on: each
 * names the field and says what to type instead. Forms show the sentence under
 * the field; describeIssues (errors that cross the API) adds where it is.
 * zod's own wording ("Too small: expected string to have >=1 characters",
 * "Invalid key in record") never reaches the user.
 */
export type Issue = z.core.$ZodIssue;
type PathPart = PropertyKey;

/** Words for schema keys whose name alone reads badly; everything else is split from camelCase. */
const LABELS: Record<string, string> = {
  keyPath: 'private key file',
  publish: 'published port',
  hostPath: 'host path',
  hostIp: 'host address',
  readOnly: 'read-only',
  cpus: 'CPU',
  intervalSeconds: 'interval (seconds)',
  timeoutSeconds: 'timeout (seconds)',
  startPeriodSeconds: 'start period (seconds)',
  stopGracePeriodSeconds: 'stop grace period (seconds)',
  readyTimeoutSeconds: 'ready timeout (seconds)',
  drainSeconds: 'drain time (seconds)',
  readinessSeconds: 'readiness time (seconds)',
  httpPort: 'HTTP port',
  httpsPort: 'HTTPS port',
  tls: 'TLS',
  dependsOn: 'dependencies',
  env: 'environment',
};

/** What a record's keys are called, for "… is not a valid service name". */
const KEY_KINDS: Record<string, string> = {
  services: 'service name',
  volumes: 'volume name',
  env: 'variable name',
  labels: 'label',
  annotations: 'annotation',
};

const words = (key: string) => LABELS[key] ?? key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** A short name for the field at `path`: its last named part ("port", "published port"), or `root` for the value itself. */
export function fieldLabel(path: readonly PathPart[], root = 'value'): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const part = path[i];
    if (typeof part !== 'string') continue;
    // services.web is the service itself, not a field called "web".
    const parent = path[i - 1];
    if (typeof parent === 'string' && KEY_KINDS[parent] && i === path.length - 1) return `${KEY_KINDS[parent].replace(/ name$/, '')} ${part}`;
    return words(part);
  }
  return root;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const sentence = (s: string) => {
  const t = capital(s.trim());
  return /[.!?)]$/.test(t) ? t : `${t}.`;
};
const isPort = (label: string) => /\bport\b/i.test(label);
const received = (issue: Issue) => /received (\w+)/.exec(issue.message)?.[1];
/** An author's message (a regex's "lowercase letters, digits and dashes") rather than zod's default wording. */
const authored = (message: string) => !/^(Invalid|Too (small|big)|Expected|Required)\b/.test(message);

/** "a size such as 512Mi" reads as a thing to enter; "lowercase letters…" as what to use. */
const wanted = (label: string, message: string) => (/^(a|an|the)\s/i.test(message) ? `${capital(label)}: enter ${message}.` : `${capital(label)}: use ${message}.`);

const TYPE_WORDS: Record<string, string> = { number: 'a number', string: 'text', boolean: 'yes or no (true/false)', object: 'a mapping (key: value lines)', array: 'a list', record: 'a mapping (key: value lines)' };

/** The sentence for one issue; `label` is how the form names the field (default: from the issue's path). */
export function issueMessage(issue: Issue, label = fieldLabel(issue.path)): string {
  const Label = capital(label);
  switch (issue.code) {
    case 'invalid_type': {
      const got = received(issue);
      if (got === 'undefined' || got === 'null') return `Enter the ${label}.`;
      return `${Label} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}${got ? `, not ${got === 'string' ? 'text' : `a ${got}`}` : ''}.`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? `Enter the ${label}; it cannot be empty.` : `${Label} needs at least ${min} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${Label}: add at least ${min}.`;
      if (isPort(label) && min <= 1) return `${Label}: enter a port from 1 to 65535.`;
      return issue.inclusive ? `${Label} must be at least ${min}.` : `${Label} must be more than ${min}.`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `${Label} is too long: at most ${max} characters.`;
      if (issue.origin === 'array' || issue.origin === 'set') return `${Label}: at most ${max}.`;
      if (max === 65535) return `${Label}: enter a port from 1 to 65535.`;
      return issue.inclusive ? `${Label} must be at most ${max}.` : `${Label} must be less than ${max}.`;
    }
    case 'invalid_format': {
      if (authored(issue.message)) return wanted(label, issue.message);
      if (issue.format === 'starts_with' && 'prefix' in issue) return `${Label} must start with "${String(issue.prefix)}".`;
      if (issue.format === 'url') return `${Label}: enter a full address such as https://example.com.`;
      return `${Label} is not in the expected form.`;
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      return values.length === 1 ? `${Label} must be ${values[0]}.` : `${Label} must be one of ${values.slice(0, -1).join(', ')} or ${values.at(-1)}.`;
    }
    case 'invalid_key': {
      const parent = issue.path.at(-2);
      const key = issue.path.at(-1);
      const kind = (typeof parent === 'string' && KEY_KINDS[parent]) || 'name';
      const inner = issue.issues[0];
      const why = inner && authored(inner.message) ? `use ${inner.message}` : 'rename it';
      return `"${String(key)}" is not a valid ${kind}: ${why}.`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      return `${Label} has ${issue.keys.length === 1 ? 'a field' : 'fields'} Berth does not know: ${keys}. Check the spelling or remove ${issue.keys.length === 1 ? 'it' : 'them'}.`;
    }
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator && 'options' in issue) {
        const options = (issue.options as unknown[]).map((o) => JSON.stringify(o));
        return `${Label} must be one of ${options.join(', ')}.`;
      }
      // Describe the branch that came closest: the one with the fewest problems.
      const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]?.[0];
      if (!closest || closest.code === 'invalid_type') return `${Label} is not in a form Berth understands; see docs/berth-yaml.md for what it can be.`;
      return issueMessage({ ...closest, path: [...issue.path, ...closest.path] } as Issue, label);
    }
    case 'not_multiple_of':
      return `${Label} must be a multiple of ${String(issue.divisor)}.`;
    case 'invalid_element':
      return `${Label} has a value that is not valid.`;
    case 'custom':
    default:
      return authored(issue.message) ? sentence(issue.message) : `${Label} is not valid.`;
  }
}

/** Same spelling as Diagnostic.field and the form's data-field: services.web.routes[0].port. */
export function issueField(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
