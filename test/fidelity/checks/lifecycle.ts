import type { CheckContext } from '../checker.js';

/** Compose's default restart policy is `no`; an output that leaves restart out means the same. */
const restartOf = (r: string | undefined) => (r === undefined || r === '' ? 'no' : r.replace(/^"|"$/g, ''));

/** Class 5: restart and every depends_on entry (condition, required, restart) are what the original says, on compose. */
export function checkLifecycle(ctx: CheckContext): void {
  for (const s of Object.values(ctx.original.doc.services)) {
    const name = ctx.outName(s.name);
    for (const out of ctx.compose) {
      const o = out.doc.services[name];
      const record = (subject: string, problem: string | undefined, terms: string[]) =>
        ctx.record({ check: 'lifecycle', target: 'compose', destination: out.destination, service: s.name, subject, problem, terms, diagnostics: out.diagnostics });
      if (!o) {
        record('restart', `${name} is not in the output`, []);
        continue;
      }
      const want = restartOf(s.restart);
      const got = restartOf(o.restart);
      record('restart', want === got ? undefined : `restart is ${got}, the original says ${want}`, ['restart']);
      const deps = Object.entries(s.dependsOn).filter(([dep]) => ctx.original.doc.services[dep] !== undefined);
      for (const [dep, d] of deps) {
        const od = o.dependsOn[ctx.outName(dep)];
        let problem: string | undefined;
        if (!od) problem = `depends_on ${dep} is missing`;
        else if (od.condition !== d.condition) problem = `depends_on ${dep} is ${od.condition}, the original says ${d.condition}`;
        else if (od.required !== d.required || od.restart !== d.restart) problem = `depends_on ${dep} has required: ${od.required}, restart: ${od.restart}; the original ${d.required}, ${d.restart}`;
        record(`depends_on ${dep}`, problem, ['depends_on', dep]);
      }
      const extra = Object.keys(o.dependsOn).filter((dep) => !deps.some(([d]) => ctx.outName(d) === dep));
      if (extra.length > 0) record('depends_on (extra)', `depends_on ${extra.join(', ')} is not in the original`, ['depends_on', ...extra]);
    }
  }
}
