import type { Diagnostic } from '../../../shared/model/diagnostic.js';
import type { CliContext } from '../context.js';

/** One line per finding on stderr; returns whether any was an error. */
export function printDiagnostics(ctx: CliContext, diagnostics: Diagnostic[]): boolean {
  for (const d of diagnostics) {
    const where = [d.file, d.line !== undefined ? `${d.line}:${d.column ?? 1}` : undefined].filter(Boolean).join(':');
    const field = d.field ? ` (${d.field})` : '';
    ctx.stderr.write(`${d.severity} ${d.code}${where ? ` ${where}` : ''}${field}: ${d.message}\n`);
  }
  return diagnostics.some((d) => d.severity === 'error');
}
