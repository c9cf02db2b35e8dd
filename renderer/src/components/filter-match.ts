/**
 * Type-to-filter matching for long lists: the query is split into words and
 * an item matches when every word occurs, ignoring case, in one of its fields.
 * "deploy 10.0" thus finds a server by user and address together.
 */

/** The lowercased words of a query; none for a blank query, which matches everything. */
export function filterTerms(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** True when each term occurs in at least one field. */
export function matchesTerms(terms: readonly string[], fields: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const lowered = fields.map((f) => f.toLowerCase());
  return terms.every((term) => lowered.some((field) => field.includes(term)));
}

/** The items whose fields match the query, in their order; the same array when the query is blank. */
export function filterItems<T>(items: readonly T[], query: string, fields: (item: T) => readonly string[]): readonly T[] {
  const terms = filterTerms(query);
  if (terms.length === 0) return items;
  return items.filter((item) => matchesTerms(terms, fields(item)));
}

/** "12 of 1,000": how many of the list a filter shows. */
export function filterCount(shown: number, total: number): string {
  const n = new Intl.NumberFormat('en');
  return `${n.format(shown)} of ${n.format(total)}`;
}
