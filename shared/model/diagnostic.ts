import { z } from 'zod';

/**
 * A finding from import, render or validation. `code` is stable so tests,
 * scripts and docs can rely on it; `field` points into the app definition
 * (e.g. services.web.routes[0].port) so the UI can take the user there.
 */
export const Diagnostic = z.object({
  severity: z.enum(['error', 'warning', 'info']),
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
  message: z.string(),
  field: z.string().optional(),
  /** Source position for imported files: 1-based line and column. */
  file: z.string().optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
});
export type Diagnostic = z.infer<typeof Diagnostic>;
