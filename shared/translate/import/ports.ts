export interface ComposePort {
  container: number;
  published?: number;
  protocol: 'tcp' | 'udp';
  hostIp?: string;
  name?: string;
}

export type PortParse = { ports: ComposePort[] } | { error: string };

/** Port ranges are expanded; beyond this many ports a mapping is reported rather than expanded. */
const MAX_RANGE = 100;

function parseRange(text: string): [number, number] | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start < 1 || end > 65535 || end < start) return undefined;
  return [start, end];
}

function parseProtocol(text: string | undefined): 'tcp' | 'udp' | undefined {
  const protocol = (text ?? 'tcp').toLowerCase();
  return protocol === 'tcp' || protocol === 'udp' ? protocol : undefined;
}

/** Short syntax: `[HOST_IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]`. */
export function parseShortPort(entry: string | number): PortParse {
  const text = String(entry).trim();
  const [spec = '', protocolText] = text.split('/');
  const protocol = parseProtocol(protocolText);
  if (!protocol) return { error: `protocol "${protocolText}" is neither tcp nor udp` };
  let hostIp: string | undefined;
  let rest = spec;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(spec);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  if (!v6 && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2) return { error: `"${text}" is not a port mapping` };
  const containerText = parts.pop()!;
  const publishedText = parts.pop();
  const container = parseRange(containerText);
  if (!container) return { error: `"${containerText}" is not a port or port range` };
  const count = container[1] - container[0] + 1;
  if (count > MAX_RANGE) return { error: `the range ${containerText} has more than ${MAX_RANGE} ports` };
  let published: [number, number] | undefined;
  if (publishedText !== undefined && publishedText !== '') {
    published = parseRange(publishedText);
    if (!published) return { error: `"${publishedText}" is not a port or port range` };
    // A single host port with a container range lets Docker pick; Berth needs one port per mapping.
    if (published[1] - published[0] + 1 !== count) published = published[0] === published[1] && count === 1 ? published : undefined;
    if (!published) return { error: `the host range in "${text}" does not match the container range` };
  }
  const ports: ComposePort[] = [];
  for (let k = 0; k < count; k++) {
    ports.push({
      container: container[0] + k,
      ...(published ? { published: published[0] + k } : {}),
      protocol,
      ...(hostIp ? { hostIp } : {}),
    });
  }
  return { ports };
}

/** Long syntax: `{target, published, protocol, host_ip, name, mode, app_protocol}`. */
export function parseLongPort(entry: Record<string, unknown>): PortParse {
  const target = Number(entry.target);
  if (!Number.isInteger(target) || target < 1 || target > 65535) return { error: `target "${String(entry.target)}" is not a port` };
  const protocol = parseProtocol(entry.protocol === undefined ? undefined : String(entry.protocol));
  if (!protocol) return { error: `protocol "${String(entry.protocol)}" is neither tcp nor udp` };
  let published: number | undefined;
  if (entry.published !== undefined && entry.published !== null && entry.published !== '') {
    const range = parseRange(String(entry.published));
    if (!range || range[0] !== range[1]) return { error: `published "${String(entry.published)}" is not a single port` };
    published = range[0];
  }
  return {
    ports: [
      {
        container: target,
        ...(published !== undefined ? { published } : {}),
        protocol,
        ...(typeof entry.host_ip === 'string' ? { hostIp: entry.host_ip } : {}),
        ...(typeof entry.name === 'string' ? { name: entry.name } : {}),
      },
    ],
  };
}

export function parsePort(entry: unknown): PortParse {
  if (typeof entry === 'string' || typeof entry === 'number') return parseShortPort(entry);
  if (entry && typeof entry === 'object' && !Array.isArray(entry)) return parseLongPort(entry as Record<string, unknown>);
  return { error: 'a port entry must be a string, a number or a mapping' };
}
