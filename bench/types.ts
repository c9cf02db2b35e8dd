/** One line of `npm run bench`'s table. Ratios compare against a baseline measured in the same run. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  note?: string;
}
