// json-merge-patch ships no types; these cover the two functions Berth uses.
declare module 'json-merge-patch' {
  /** RFC 7396: the patch that turns `source` into `target`, or undefined when they are equal. */
  export function generate(source: unknown, target: unknown): unknown;
  export function apply(target: unknown, patch: unknown): unknown;
}
