/**
 * Names a person tells apart by reading them: servers, destinations and apps.
 * Two that differ only in case or surrounding spaces ("vps-1" and "VPS-1 ")
 * would look the same in every list, so they count as the same name.
 */

/** The built-in server's name; no other server may take it. */
export const THIS_COMPUTER_NAME = 'This computer';

export const nameKey = (name: string): string => name.trim().toLocaleLowerCase('en');

export const sameName = (a: string, b: string): boolean => nameKey(a) === nameKey(b);

/** The item already called `name`, other than `except` (the one being renamed), if any. */
export function findSameName<T extends { name: string }>(items: readonly T[], name: string, except?: (item: T) => boolean): T | undefined {
  return items.find((item) => sameName(item.name, name) && !except?.(item));
}

/** `base`, or `base 2`, `base 3`… : the first that no item has, for names made without the user (imports, copies). */
export function freeName(base: string, taken: readonly string[], separator = ' '): string {
  const keys = new Set(taken.map(nameKey));
  if (!keys.has(nameKey(base))) return base;
  let n = 2;
  while (keys.has(nameKey(`${base}${separator}${n}`))) n++;
  return `${base}${separator}${n}`;
}
