import { importCompose, type ImportOptions, type ImportResult } from '../../shared/translate/import/index.js';

/** Imports and insists on success, so a test reads as "this compose becomes that definition". */
export function importOk(yaml: string, options: ImportOptions = {}): ImportResult & { app: NonNullable<ImportResult['app']> } {
  const result = importCompose(yaml, options);
  if (!result.app) throw new Error(`import failed: ${JSON.stringify(result.diagnostics, null, 2)}`);
  return result as ImportResult & { app: NonNullable<ImportResult['app']> };
}

export const codes = (result: ImportResult) => result.diagnostics.map((d) => d.code);

export function service(result: ImportResult, name: string) {
  const s = result.app?.services[name];
  if (!s) throw new Error(`no service ${name} in ${JSON.stringify(Object.keys(result.app?.services ?? {}))}`);
  return s;
}
