import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { renderApp } from '../../shared/translate/index.js';
import { app, caddy } from './support/apps.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rendered YAML
const composeOf = (r: ReturnType<typeof renderApp>) => load(r.files.find((f) => f.path === 'compose.yaml')!.content) as Obj;

describe('app files on compose', () => {
  const der = Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x00, 0xff, 0x24]).toString('base64');
  const result = renderApp(app({
    web: {
      image: 'nginx',
      files: [
        { path: '/etc/nginx/conf.d/default.conf', content: 'listen 80;\n', source: './nginx.conf' },
        { path: '/etc/ssl/ca.der', content: der, encoding: 'base64', mode: '0444' },
      ],
    },
  }), caddy);
  const compose = composeOf(result);

  it('keeps text files inline as config content', () => {
    expect(compose.configs['web-etc-nginx-conf.d-default.conf']).toEqual({ content: 'listen 80;\n' });
  });

  it('writes a binary file beside compose.yaml under .files/ (config content is text) and mounts it from there', () => {
    expect(compose.configs['web-etc-ssl-ca.der']).toEqual({ file: './.files/web-etc-ssl-ca.der' });
    expect(compose.services.web.configs).toContainEqual({ source: 'web-etc-ssl-ca.der', target: '/etc/ssl/ca.der', mode: 0o444 });
    const file = result.files.find((f) => f.path === '.files/web-etc-ssl-ca.der');
    expect(file).toMatchObject({ encoding: 'base64', content: der, editable: false });
  });
});
