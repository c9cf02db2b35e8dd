/** Conversions between the app definition's sizes and what each target accepts. */

const UNIT_BYTES: Record<string, number> = {
  '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

/** Kubernetes semantics: M is 10^6, Mi is 2^20 (the app definition documents sizes this way). */
export function quantityToBytes(quantity: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/.exec(quantity);
  if (!match) throw new Error(`"${quantity}" is not a size such as 512Mi or 1Gi`);
  return Math.round(Number(match[1]) * UNIT_BYTES[match[2] ?? '']!);
}

/** The shortest exact Kubernetes quantity: 512Mi, 512M, 1Gi, or plain bytes. */
export function bytesToKubernetes(bytes: number): string {
  const units: Array<[string, number]> = [['Ti', 1024 ** 4], ['T', 1e12], ['Gi', 1024 ** 3], ['G', 1e9], ['Mi', 1024 ** 2], ['M', 1e6], ['Ki', 1024], ['k', 1e3]];
  let best = String(bytes);
  let bestMantissa = bytes;
  for (const [suffix, size] of units) {
    if (bytes >= size && bytes % size === 0 && bytes / size < bestMantissa) {
      bestMantissa = bytes / size;
      best = `${bytes / size}${suffix}`;
    }
  }
  return best;
}

/** Docker reads k/m/g as powers of 1024, so only exact binary multiples keep a suffix. */
export function bytesToCompose(bytes: number): string {
  for (const [suffix, size] of [['g', 1024 ** 3], ['m', 1024 ** 2], ['k', 1024]] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return `${bytes}b`;
}

/** cpus 0.5 → "500m", 2 → "2"; never below 1m, which Kubernetes would read as zero. */
export function cpusToKubernetes(cpus: number): string {
  const millis = Math.max(1, Math.round(cpus * 1000));
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}
