import type { Diagnostic } from '../../model/diagnostic.js';
import type { ParsedYaml, YamlPath } from './yaml-source.js';

/** Where a construct came from: the file it was read from and its key path there. */
export interface Origin {
  file: string | undefined;
  source: ParsedYaml | undefined;
  path: YamlPath;
}

/** Collects import findings, each pointing at the YAML position of the construct it is about. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];

  report(severity: Diagnostic['severity'], code: string, message: string, origin?: Origin, field?: string): void {
    const position = origin?.source?.positionOf(origin.path);
    // In a document merged from several files, the position knows which file the construct is in.
    const file = position?.file ?? origin?.file;
    this.items.push({
      severity,
      code,
      message,
      ...(field ? { field } : {}),
      ...(file ? { file } : {}),
      ...(position ? { line: position.line, column: position.column } : {}),
    });
  }

  warn(code: string, message: string, origin?: Origin, field?: string): void {
    this.report('warning', code, message, origin, field);
  }

  error(code: string, message: string, origin?: Origin, field?: string): void {
    this.report('error', code, message, origin, field);
  }

  info(code: string, message: string, origin?: Origin, field?: string): void {
    this.report('info', code, message, origin, field);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** The origin of a child key. */
export function at(origin: Origin, ...path: Array<string | number>): Origin {
  return { ...origin, path: [...origin.path, ...path] };
}
