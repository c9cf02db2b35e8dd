/** DNS-1123 label: what Kubernetes requires of object names and what Berth requires of service and volume names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Lowercase, anything else than [a-z0-9-] becomes `-`, at most 63 characters, alphanumeric at both ends. */
export function toDnsLabel(name: string, fallback = 'app'): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label === '' ? fallback : label;
}
