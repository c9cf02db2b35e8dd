// Builds the CLI (electron/cli/main.ts) into out/cli/berth.mjs with Vite, the bundler the
// app is built with, so `berth` starts without compiling TypeScript. Runs as npm's
// `prepare` (every `npm install` / `npm ci` in a clone, offline too) and as
// `npm run build:cli`; `--if-stale` skips the build when out/cli is up to date.
//
// Pure-JS dependencies are bundled (one parse instead of hundreds of module loads);
// native and heavy ones (ssh2, node-pty, dockerode, @kubernetes/*, anything with a
// binding.gyp) stay external and load from node_modules when a command needs them.
import fs from 'node:fs';
import path from 'node:path';
import { builtCliState, CLI_ENTRY, CLI_MANIFEST, CLI_OUT_DIR, REPO_ROOT } from '../bin/built-cli.mjs';

const root = REPO_ROOT;
const outDir = path.join(root, CLI_OUT_DIR);
const ifStale = process.argv.includes('--if-stale');
const quiet = process.argv.includes('--quiet');
// `prepare` passes it: a build that fails must not fail `npm install`; bin/berth.mjs then runs the sources.
const bestEffort = process.argv.includes('--best-effort');

const EXTERNAL = new Set(['ssh2', 'node-pty', 'dockerode', 'cpu-features', 'electron', 'tsx']);
const nativeCache = new Map();

/** The package a bare import names: `@scope/name/sub` → `@scope/name`. */
function packageOf(id) {
  const parts = id.split('/');
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Native addons cannot be bundled; detect them so a dependency added later is kept external too. */
function isNative(pkg) {
  if (!nativeCache.has(pkg)) {
    const dir = path.join(root, 'node_modules', pkg);
    nativeCache.set(pkg, ['binding.gyp', 'prebuilds'].some((f) => fs.existsSync(path.join(dir, f))));
  }
  return nativeCache.get(pkg);
}

function isExternal(id) {
  if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0') || path.isAbsolute(id)) return false;
  if (id.startsWith('node:')) return true;
  const pkg = packageOf(id);
  return EXTERNAL.has(pkg) || pkg.startsWith('@kubernetes/') || isNative(pkg);
}

/**
 * Compiles the JSON schemas ahead (scripts/cli-schemas.ts, run through tsx) into
 * standalone modules in `dir`. Returns [] if that fails: the CLI then compiles them
 * at run time, slower but the same.
 */
async function precompileSchemas(dir) {
  try {
    const { tsImport } = await import('tsx/esm/api');
    const { compiledSchemas } = await tsImport('./cli-schemas.ts', import.meta.url);
    fs.mkdirSync(dir, { recursive: true });
    return compiledSchemas().map((s, i) => {
      const file = path.join(dir, `schema-${i}.mjs`);
      fs.writeFileSync(file, s.source);
      return { ...s, file };
    });
  } catch (err) {
    console.warn(`berth: schemas not precompiled, the CLI compiles them at run time: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/**
 * Registers the precompiled validators where compileSchema lives, so they load
 * only with the commands that validate, and compileSchema finds them by schema object.
 */
function registerPrecompiledSchemas(precompiled) {
  const target = path.join(root, 'shared/validate/json-schema.ts');
  return {
    name: 'berth-precompiled-schemas',
    transform(code, id) {
      if (id.split('?')[0] !== target || precompiled.length === 0) return undefined;
      const lines = precompiled.flatMap((s, i) => [
        `import ${s.exportName === 'default' ? `__schema${i}` : `{ ${s.exportName} as __schema${i} }`} from ${JSON.stringify(path.join(root, s.module))};`,
        `import { validate as __validate${i} } from ${JSON.stringify(s.file)};`,
        `registerCompiledSchema(__schema${i}, __validate${i});`,
      ]);
      return { code: `${code}\n${lines.join('\n')}\n`, map: null };
    },
  };
}

let vite;
try {
  vite = await import('vite');
} catch (err) {
  if (!bestEffort) throw err;
  console.warn('berth: Vite is not installed (dev dependencies omitted?), so the CLI is not built; bin/berth.mjs runs the sources through tsx.');
  process.exit(0);
}
const { default: lockfile } = await import('proper-lockfile');

// Builds from several test files or terminals at once take turns.
fs.mkdirSync(path.join(root, 'out'), { recursive: true });
const release = await lockfile.lock(outDir, {
  realpath: false,
  lockfilePath: `${outDir}.build.lock`,
  stale: 30_000,
  retries: { retries: 600, minTimeout: 50, maxTimeout: 200 },
});
try {
  await buildOnce();
} catch (err) {
  if (!bestEffort) throw err;
  console.warn(`berth: the CLI could not be built, so bin/berth.mjs runs the sources through tsx: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await release();
}

async function buildOnce() {
  const state = builtCliState(root);
  if (ifStale && state.fresh) return;

  const builtAt = Date.now();
  const next = `${outDir}.next-${process.pid}`;
  const generated = `${outDir}.gen-${process.pid}`;
  const inputs = new Set(['package.json', 'package-lock.json', 'scripts/build-cli.mjs', 'scripts/cli-schemas.ts', 'bin/built-cli.mjs']);
  try {
    await bundle(next, inputs, await precompileSchemas(generated));
  } catch (err) {
    fs.rmSync(next, { recursive: true, force: true });
    throw err;
  } finally {
    fs.rmSync(generated, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(next, CLI_MANIFEST), `${JSON.stringify({ builtAt, inputs: [...inputs].sort() }, null, 2)}\n`);

  // Swap the new build in whole, so a CLI starting meanwhile sees the old one or the new one.
  const old = `${outDir}.old-${process.pid}`;
  if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
  fs.renameSync(next, outDir);
  fs.rmSync(old, { recursive: true, force: true });
  if (!quiet) console.log(`berth: CLI built into ${CLI_OUT_DIR}/${CLI_ENTRY} (${inputs.size} source files)`);
}

/** Bundles electron/cli/main.ts into `outDir`, adding every project file it bundled to `inputs`. */
async function bundle(outDir, inputs, precompiled) {
  await vite.build({
    root,
    configFile: false,
    logLevel: quiet ? 'warn' : 'info',
    publicDir: false,
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      // Parsing is most of the start: minified, the chunks parse in about half the time. BERTH_CLI_DEV=1 runs the readable sources.
      minify: true,
      reportCompressedSize: false,
      rollupOptions: {
        input: { berth: path.join(root, 'electron/cli/main.ts') },
        external: isExternal,
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs' },
      },
    },
    ssr: { noExternal: true, target: 'node' },
    plugins: [
      registerPrecompiledSchemas(precompiled),
      {
        name: 'berth-cli-inputs',
        generateBundle(_options, bundle) {
          for (const chunk of Object.values(bundle)) {
            if (chunk.type !== 'chunk') continue;
            for (const id of chunk.moduleIds ?? Object.keys(chunk.modules)) {
              const file = id.split('?')[0];
              if (!path.isAbsolute(file)) continue;
              const rel = path.relative(root, file);
              const parts = rel.split(path.sep);
              // Sources only: not dependencies, not what this build generated under out/.
              if (parts[0] !== '..' && parts[0] !== 'out' && !parts.includes('node_modules')) inputs.add(parts.join('/'));
            }
          }
        },
      },
    ],
  });
  if (!fs.existsSync(path.join(outDir, CLI_ENTRY))) throw new Error(`the build did not produce ${CLI_ENTRY}`);
}
