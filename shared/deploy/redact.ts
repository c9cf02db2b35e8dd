/**
 * Removes secrets from everything a deploy shows or keeps: its log, its
 * records, its errors. Known secret values are replaced literally; tokens in
 * URLs, private keys and well-known token formats are caught by shape, since
 * a build's output can echo credentials Berth never knew about.
 */
export const REDACTED = '***';

const PATTERNS: RegExp[] = [
  // user:password@ in URLs of any scheme (git, databases, brokers, …); the user stays readable.
  /(?<=[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
  // Git hosting tokens used as the whole userinfo: https://x-access-token:…@, oauth2:…@, https://<token>@
  /(?<=(?:x-access-token|oauth2|gitlab-ci-token):)[^\s@]+(?=@)/gi,
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /(?<=\bBearer\s+)[A-Za-z0-9._~+/=-]{8,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bgl(?:pat|cbt|rt)-[A-Za-z0-9_-]{16,}\b/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  // key=value pairs whose key says secret: api_key=…, password: …, AWS_SECRET_ACCESS_KEY=…
  /(?<=\b[A-Za-z0-9_]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)[A-Za-z0-9_]*["']?\s*[:=]\s*["']?)(?!\*\*\*)[^\s"',;&]{4,}/gi,
];

/** Values shorter than this are not replaced literally: "1" or "on" would shred the log. */
const MIN_LITERAL = 4;

export interface Redactor {
  (text: string): string;
  /** Learns another value to hide, e.g. a secret read from the store mid-deploy. */
  add(value: string): void;
}

export function createRedactor(secretValues: Iterable<string> = []): Redactor {
  const literals = new Set<string>();
  const redact = ((text: string) => {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const value of [...literals].sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
    for (const pattern of PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  }) as Redactor;
  redact.add = (value: string) => {
    if (value.length < MIN_LITERAL) return;
    literals.add(value);
    // Secrets often travel encoded: in URLs and in base64 (HTTP basic auth, Kubernetes Secrets).
    const encoded = encodeURIComponent(value);
    if (encoded !== value) literals.add(encoded);
    literals.add(base64(value));
    literals.add(base64(value, true));
  };
  for (const value of secretValues) redact.add(value);
  return redact;
}

function base64(value: string, padded = false): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(value)) binary += String.fromCharCode(byte);
  const text = btoa(binary);
  return padded ? text : text.replace(/=+$/, '');
}
