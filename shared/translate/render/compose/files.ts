import type { Service } from '../../../model/app.js';
import type { RenderedFile } from '../../../api/contract.js';
import { stableHash } from '../../../deploy/stable-hash.js';

/** Where binary app files are written beside compose.yaml (compose configs read them with `file:`). */
export const FILES_DIR = '.files';

type Obj = Record<string, unknown>;

/**
 * App files as compose configs mounted at their path. Config content is
 * text, so a binary file (base64) is written beside compose.yaml and the
 * config reads it with `file:`.
 */
export function fileConfigs(service: string, files: Service['files'], configs: Obj, extraFiles: RenderedFile[]): Obj[] {
  return files.map((f) => {
    const source = `${service}-${f.path.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]+/g, '-')}`;
    if (f.encoding === 'base64') {
      const file = `${FILES_DIR}/${source}`;
      configs[source] = { file: `./${file}` };
      extraFiles.push({ path: file, language: 'text', content: f.content, encoding: 'base64', editable: false });
    } else {
      configs[source] = { content: f.content };
    }
    const ref: Obj = { source, target: f.path };
    if (f.mode) ref.mode = parseInt(f.mode, 8);
    return ref;
  });
}

/**
 * File secrets: one top-level secret per secret-store key, read from
 * `.secrets/<secret>` (written once, however many services mount it), at
 * the path the service asks for (default /run/secrets/<secret>).
 */
export function secretFileRefs(secretFiles: NonNullable<Service['secretFiles']>, secrets: Obj, extraFiles: RenderedFile[], value: (secret: string, index: number) => string): Obj[] {
  return secretFiles.map((f, i) => {
    const key = secretKey(f.secret);
    const file = `.secrets/${key}`;
    if (!(key in secrets)) {
      secrets[key] = { file: `./${file}` };
      extraFiles.push({ path: file, language: 'text', content: value(f.secret, i), editable: false });
    }
    const ref: Obj = { source: key, target: f.path ?? `/run/secrets/${f.secret}` };
    if (f.mode) ref.mode = parseInt(f.mode, 8);
    return ref;
  });
}

/**
 * The secret's name as a compose key and a file name. A name that is not
 * one (a slash, `..`) gets a fixed stand-in: it must never become a path
 * outside `.secrets/`, here or on the server.
 */
function secretKey(secret: string): string {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(secret) ? secret : `secret-${stableHash(secret).slice(0, 12)}`;
}
