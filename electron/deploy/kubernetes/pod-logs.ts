import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/**
 * One container's log as a stream, over node:https with the context's TLS
 * and credentials. client-node's Log turns the response into a stream whose
 * abort error nobody listens to (an uncaught exception when a follow is
 * stopped), so Berth opens the request itself and ends it by destroying it.
 */
export async function openPodLog(config: KubeConfig, namespace: string, pod: string, container: string, options: { follow: boolean; tailLines?: number; signal?: AbortSignal }): Promise<IncomingMessage> {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('No cluster in this context.');
  const url = new URL(`${cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`);
  url.searchParams.set('container', container);
  if (options.follow) url.searchParams.set('follow', 'true');
  if (options.tailLines !== undefined) url.searchParams.set('tailLines', String(options.tailLines));
  const request: https.RequestOptions = { method: 'GET', headers: {} };
  await config.applyToHTTPSOptions(request);
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = https.request(url, request, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(new Error(`log of ${pod}/${container}: HTTP ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      resolve(res);
    });
    req.on('error', reject);
    options.signal?.addEventListener('abort', () => req.destroy(), { once: true });
    req.end();
  });
}
