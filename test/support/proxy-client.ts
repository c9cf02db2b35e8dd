import http from 'node:http';

/** GET through the server's proxy with a Host header, as a browser resolving the domain to the server would. */
export function getThroughProxy(address: string, hostHeader: string, pathname = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: address, port: 80, path: pathname, headers: { Host: hostHeader }, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/**
 * Bounded load: `clients` loops of sequential requests until stopped (or
 * `maxRequests` in all); each answer is recorded.
 */
export function loadLoop(address: string, hostHeader: string, clients = 20, maxRequests = 20_000) {
  let stop = false;
  const answers: string[] = [];
  const failures: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (!stop && answers.length + failures.length < maxRequests) {
      try {
        const r = await getThroughProxy(address, hostHeader);
        if (r.status === 200) answers.push(r.body.trim());
        else failures.push(`HTTP ${r.status}: ${r.body.slice(0, 80)}`);
      } catch (err) {
        failures.push((err as Error).message);
      }
    }
  });
  return {
    answers,
    failures,
    async finish() {
      stop = true;
      await Promise.all(loops);
      return { sent: answers.length + failures.length, failed: failures.length };
    },
  };
}
