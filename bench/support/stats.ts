/** The middle value (the mean of the two middle ones for an even count); benchmarks report medians because this machine is noisy. */
export function median(values: number[]): number {
  if (!values.length) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
