/**
 * Compose variable interpolation (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`,
 * `${VAR+alt}`, nested defaults, and `$$` for a literal `$`. Values come only from
 * the lookup the caller gives, never from the converting machine's environment.
 */
export type Lookup = (name: string) => string | undefined;

export interface Interpolated {
  value: string;
  /** Variables whose value (or absence) shaped the result. */
  used: string[];
  /** Variables used without a value and without a default. */
  unset: string[];
  /** `${VAR?message}` failures. */
  required: Array<{ name: string; message: string }>;
  /** A `$` not followed by a name, `{` or `$`: kept literally. */
  invalid: boolean;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Interpolator {
  private i = 0;
  readonly result: Omit<Interpolated, 'value'> = { used: [], unset: [], required: [], invalid: false };

  constructor(
    private readonly text: string,
    private readonly lookup: Lookup,
  ) {}

  /** Reads until the end, or until an unmatched `}` when nested. `live` is false for a branch whose value is not taken. */
  run(nested: boolean, live: boolean): string {
    let out = '';
    while (this.i < this.text.length) {
      const c = this.text[this.i]!;
      if (nested && c === '}') return out;
      if (c !== '$') {
        out += c;
        this.i++;
        continue;
      }
      const next = this.text[this.i + 1];
      if (next === '$') {
        out += '$';
        this.i += 2;
      } else if (next === '{') {
        this.i += 2;
        out += this.braced(live);
      } else if (next !== undefined && NAME_START.test(next)) {
        this.i++;
        const name = this.name();
        out += this.resolve(name, live) ?? '';
        if (live && this.lookup(name) === undefined) this.result.unset.push(name);
      } else {
        if (live) this.result.invalid = true;
        out += '$';
        this.i++;
      }
    }
    if (nested && live) this.result.invalid = true;
    return out;
  }

  private name(): string {
    const start = this.i;
    while (this.i < this.text.length && NAME_CHAR.test(this.text[this.i]!)) this.i++;
    return this.text.slice(start, this.i);
  }

  private resolve(name: string, live: boolean): string | undefined {
    if (live) this.result.used.push(name);
    return this.lookup(name);
  }

  private braced(live: boolean): string {
    const name = this.name();
    const value = this.lookup(name);
    if (name === '') {
      // `${}` or `${1}`: not a variable; keep the text so nothing is lost.
      if (live) this.result.invalid = true;
      const rest = this.run(true, false);
      this.i++;
      return `\${${rest}}`;
    }
    if (this.text[this.i] === '}') {
      this.i++;
      if (live) {
        this.result.used.push(name);
        if (value === undefined) this.result.unset.push(name);
      }
      return value ?? '';
    }
    const colon = this.text[this.i] === ':';
    if (colon) this.i++;
    const op = this.text[this.i];
    this.i++;
    const missing = value === undefined || (colon && value === '');
    if (op === '-') {
      const fallback = this.run(true, live && missing);
      this.i++;
      if (live) this.result.used.push(name);
      return missing ? fallback : value;
    }
    if (op === '+') {
      const alternative = this.run(true, live && !missing);
      this.i++;
      if (live) this.result.used.push(name);
      return missing ? '' : alternative;
    }
    if (op === '?') {
      const message = this.run(true, live && missing);
      this.i++;
      if (live) {
        this.result.used.push(name);
        if (missing) this.result.required.push({ name, message: message || `${name} is required` });
      }
      return value ?? '';
    }
    // Unknown operator: keep the source text of the whole expression.
    if (live) this.result.invalid = true;
    const rest = this.run(true, false);
    this.i++;
    return `\${${name}${colon ? ':' : ''}${op ?? ''}${rest}}`;
  }
}

export function interpolate(text: string, lookup: Lookup): Interpolated {
  if (!text.includes('$')) return { value: text, used: [], unset: [], required: [], invalid: false };
  const interpolator = new Interpolator(text, lookup);
  const value = interpolator.run(false, true);
  return { value, ...interpolator.result };
}
