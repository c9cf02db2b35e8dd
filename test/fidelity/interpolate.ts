/**
 * Compose variable interpolation, for files the real docker-compose refuses
 * (include, newer keys) and so are read raw: `$$`, `$NAME`, `${NAME}`,
 * `${NAME:-default}`, `${NAME-default}`, `${NAME:?err}`, `${NAME?err}`,
 * `${NAME:+alt}`, `${NAME+alt}`, defaults nested. Written from the Compose
 * specification, apart from the translator's own interpolator.
 */
export function interpolate(text: string, vars: Record<string, string>): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        out += text.slice(i);
        break;
      }
      out += expand(text.slice(i + 2, end), vars);
      i = end + 1;
    } else {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        i++;
        continue;
      }
      out += vars[name] ?? '';
      i += 1 + name.length;
    }
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

function expand(body: string, vars: Record<string, string>): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?([\s\S]*)$/.exec(body);
  if (!m) return '';
  const [, name, op, arg = ''] = m;
  const value = vars[name!];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-': return nonEmpty ? value : interpolate(arg, vars);
    case '-': return set ? value : interpolate(arg, vars);
    case ':+': return nonEmpty ? interpolate(arg, vars) : '';
    case '+': return set ? interpolate(arg, vars) : '';
    default: return value ?? '';
  }
}

/** Names of the variables a string refers to (`$$` is a literal, not a reference). */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}?|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (m[0] === '$$') continue;
    const name = m[1] ?? m[3];
    if (name) names.push(name);
    if (m[2]) names.push(...variablesIn(m[2]));
  }
  return names;
}

/** The variables that must be set (`${NAME:?…}`, `${NAME?…}`). */
export function requiredVariablesIn(text: string): string[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]!);
}
