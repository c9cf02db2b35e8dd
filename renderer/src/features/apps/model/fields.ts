/**
 * Where to send the user for a diagnostic's field: the field itself if the
 * form has a widget for it, else the nearest enclosing one
 * (services.web.healthcheck.http.port → services.web.healthcheck → services.web).
 */
export function fieldCandidates(field: string): string[] {
  const out: string[] = [];
  let cur = field;
  while (cur) {
    out.push(cur);
    const cut = Math.max(cur.lastIndexOf('.'), cur.lastIndexOf('['));
    cur = cut > 0 ? cur.slice(0, cut) : '';
  }
  return out;
}

