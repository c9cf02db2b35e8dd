import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { billionLaughs } from '../../test/support/yaml-bomb.js';
import { doubleQuoted, dumpYamlText, loadAllYaml, loadYaml, YAML_LIMITS, YamlLimitError } from './bounded-yaml.js';

const timed = <T>(work: () => T): { result: T | unknown; ms: number } => {
  const start = performance.now();
  let result: unknown;
  try {
    result = work();
  } catch (err) {
    result = err;
  }
  return { result, ms: performance.now() - start };
};

describe('bounded YAML parsing', () => {
  it('refuses a billion-laughs document in milliseconds, saying what the limit is and what to do', () => {
    const bomb = billionLaughs();
    expect(bomb.length).toBeLessThan(450);
    for (const parse of [() => loadYaml(bomb), () => loadAllYaml(bomb)]) {
      const { result, ms } = timed(parse);
      expect(result).toBeInstanceOf(YamlLimitError);
      expect((result as YamlLimitError).reason).toMatch(/^The aliases \(\*name\) in this YAML expand it to more than 100,000 values; Berth reads at most that many\. .*fewer nested aliases\.$/);
      expect((result as YamlLimitError).mark?.line).toBeGreaterThan(0);
      expect(ms).toBeLessThan(500);
    }
  });

  it('still reads ordinary aliases and merge keys', () => {
    const text = 'x-base: &base {image: nginx, restart: always}\nservices:\n  a: {<<: *base}\n  b: {<<: *base, image: caddy}\nlist: &l [1, 2]\nagain: *l\n';
    expect(loadYaml(text)).toMatchObject({ again: [1, 2] });
    // A few levels of fan-out stay far below the limit.
    expect(() => loadYaml(billionLaughs(4, 9))).not.toThrow();
  });

  it('refuses nesting deeper than the limit, also when aliases build it', () => {
    const deep = `${'['.repeat(YAML_LIMITS.maxDepth + 5)}${']'.repeat(YAML_LIMITS.maxDepth + 5)}`;
    expect(() => loadYaml(deep)).toThrow(YamlLimitError);
    expect(() => loadYaml(deep)).toThrow(/nested more than 64 levels deep.*Flatten/);

    // Each level is shallow on its own; the aliases stack them.
    const half = YAML_LIMITS.maxDepth / 2 + 2;
    const level = (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`;
    const stacked = `a: &a ${level(half)}\nb: &b ${'['.repeat(half)}*a${']'.repeat(half)}\n`;
    expect(() => loadYaml(stacked)).toThrow(/nested more than 64 levels deep/);
  });

  it('refuses an alias inside the node it names instead of building an endless structure', () => {
    expect(() => loadYaml('a: &a [1, *a]\n')).toThrow(/\*a is used inside the node it names/);
    expect(() => loadYaml('a: &a {self: *a}\n')).toThrow(YamlLimitError);
  });

  it('refuses text over the size limit with its size and the limit', () => {
    const big = `a: "${'x'.repeat(YAML_LIMITS.maxChars)}"\n`;
    expect(() => loadYaml(big)).toThrow(/This YAML is 4\.0 MiB; Berth reads at most 4\.0 MiB of YAML at once/);
  });

  it('counts the text an alias repeats, not just its nodes', () => {
    const long = 'x'.repeat(1024 * 1024);
    const text = `a: &s "${long}"\nb: [${Array.from({ length: 10 }, () => '*s').join(', ')}]\n`;
    expect(() => loadYaml(text)).toThrow(/repeat its text to more than 8\.0 MiB/);
    // Long text without aliases is fine.
    expect(loadYaml(`a: "${'y'.repeat(3 * 1024 * 1024)}"\n`)).toMatchObject({ a: expect.any(String) });
  });

  it('refuses more values than the limit, even without aliases', () => {
    const many = `[${Array.from({ length: YAML_LIMITS.maxNodes }, () => '1').join(',')}]`;
    expect(() => loadYaml(many)).toThrow(/^This YAML has more than 100,000 values \(mappings, lists and scalars\); Berth reads at most that many at once\. Split it/);
    expect(loadYaml(`[${Array.from({ length: YAML_LIMITS.maxNodes - 1 }, () => '1').join(',')}]`)).toHaveLength(YAML_LIMITS.maxNodes - 1);
  });
});

describe('writing YAML with long strings', () => {
  const sizes = [YAML_LIMITS.longString + 1, 2 * 1024 * 1024, 3 * 1024 * 1024];
  const shapes: Record<string, (n: number) => string> = {
    plain: (n) => 'x'.repeat(n),
    words: (n) => 'ab '.repeat(Math.ceil(n / 3)).slice(0, n),
    lines: (n) => 'line: "quoted" \\ €\n'.repeat(Math.ceil(n / 19)).slice(0, n),
    controls: (n) => '\u0000\t\u0085\u2028\ufeff\ud800x'.repeat(Math.ceil(n / 7)).slice(0, n),
  };

  for (const [shape, make] of Object.entries(shapes)) {
    it(`round-trips ${shape} strings of 2 MiB and more`, () => {
      for (const n of sizes) {
        const value = { services: { web: { env: { BLOB: make(n), short: 'ok' } } }, list: [make(Math.min(n, 100_000))] };
        const text = dumpYamlText(value, { noRefs: true, lineWidth: -1 });
        expect(load(text)).toEqual(value);
        // Escaped control characters make the text several times longer than the string.
        if (text.length <= YAML_LIMITS.maxChars) expect(loadYaml(text)).toEqual(value);
        else expect(loadYaml(text, { maxChars: 4 * YAML_LIMITS.maxChars })).toEqual(value);
      }
    });
  }

  it('writes short strings exactly as js-yaml does', () => {
    const value = { a: 'plain', b: 'needs: quotes', c: 'multi\nline\n', d: ['x', 'yes', '1'] };
    expect(dumpYamlText(value, { lineWidth: -1 })).toMatchInlineSnapshot(`
      "a: plain
      b: 'needs: quotes'
      c: |
        multi
        line
      d:
        - x
        - 'yes'
        - '1'
      "
    `);
  });

  it('says so when a mapping key is too long to write', () => {
    expect(() => dumpYamlText({ ['k'.repeat(YAML_LIMITS.longString + 1)]: 1 })).toThrow(/mapping key of .* cannot be written as YAML/);
  });

  it('escapes like js-yaml in double quotes', () => {
    expect(doubleQuoted('a"b\\c\n\u0000\u0085\u00a0\u2028')).toBe('"a\\"b\\\\c\\n\\0\\N\\_\\L"');
    expect(load(doubleQuoted('\u0001\u007f\ufeff'))).toBe('\u0001\u007f\ufeff');
  });
});
