/**
 * kubectl 1.32's port-forward: SPDY/3.1 tunneled through a WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`,
 * each binary message carries raw SPDY bytes), speaking the kubelet's portforward.k8s.io protocol: per forwarded
 * connection the client opens an error stream and a data stream (headers streamtype, port, requestid); the data
 * stream carries the bytes, the error stream the kubelet's error text. Only what that needs of SPDY/3 is here:
 * SYN_STREAM/SYN_REPLY, DATA with FIN, RST_STREAM, PING, SETTINGS, GOAWAY, WINDOW_UPDATE (ignored, as spdystream
 * does). Incoming header blocks are zlib with the SPDY/3 dictionary; replies use stored (uncompressed) deflate blocks.
 */
import { inflateSync, constants as zc } from 'node:zlib';
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';

// The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1)
const DICT_WORDS = ['options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
  'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base',
  'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5', 'content-range',
  'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match',
  'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate',
  'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'user-agent', 'vary', 'via', 'warning', 'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1',
  'url', 'public', 'set-cookie', 'keep-alive', 'origin'];
const DICT_TAIL = '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505'
  + '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized'
  + '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable'
  + 'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT'
  + 'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,'
  + 'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_DICTIONARY = Buffer.concat([
  ...DICT_WORDS.map((w) => { const b = Buffer.alloc(4 + w.length); b.writeUInt32BE(w.length, 0); b.write(w, 4, 'latin1'); return b; }),
  Buffer.from(DICT_TAIL, 'latin1'),
]);

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const FLAG_FIN = 0x01;

interface PfStream { id: number; type: string; port: number; requestId: string; socket?: Socket; finSent: boolean }

export class SpdyPortForwardSession {
  private buf: Buffer = Buffer.alloc(0);
  private readonly compressed: Buffer[] = [];
  private inflatedLen = 0;
  private headerOut = 0; // stored blocks written so far (the first carries the zlib header)
  private readonly streams = new Map<number, PfStream>();
  private closed = false;

  constructor(private readonly ws: WebSocket, private readonly resolvePort: (port: number) => number | undefined, private readonly describe: (port: number) => string, private readonly track: (s: Socket) => void) {
    ws.on('message', (data: Buffer) => this.onBytes(Buffer.isBuffer(data) ? data : Buffer.from(data as unknown as ArrayBuffer)));
    ws.on('close', () => this.shutdown());
    ws.on('error', () => this.shutdown());
  }

  private shutdown(): void {
    this.closed = true;
    for (const s of this.streams.values()) s.socket?.destroy();
    this.streams.clear();
  }

  private send(frame: Buffer): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(frame);
  }

  private control(type: number, flags: number, data: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(0x8000 | 3, 0);
    h.writeUInt16BE(type, 2);
    h.writeUInt32BE(data.length, 4);
    h.writeUInt8(flags, 4);
    return Buffer.concat([h, data]);
  }

  private dataFrame(id: number, flags: number, data: Buffer): Buffer {
    const h = Buffer.alloc(8);
    h.writeUInt32BE(id & 0x7fffffff, 0);
    h.writeUInt32BE(data.length, 4);
    h.writeUInt8(flags, 4);
    return Buffer.concat([h, data]);
  }

  /** A header block as a stored deflate block of the connection's zlib stream. */
  private headerBlock(headers: Array<[string, string]>): Buffer {
    const parts: Buffer[] = [];
    const n = Buffer.alloc(4); n.writeUInt32BE(headers.length, 0); parts.push(n);
    for (const [k, v] of headers) {
      const kb = Buffer.from(k); const vb = Buffer.from(v);
      const kl = Buffer.alloc(4); kl.writeUInt32BE(kb.length, 0);
      const vl = Buffer.alloc(4); vl.writeUInt32BE(vb.length, 0);
      parts.push(kl, kb, vl, vb);
    }
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored.writeUInt8(0, 0); // BFINAL=0, BTYPE=00 (stored), padded to the byte
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    // then an empty stored block, as zlib's Z_SYNC_FLUSH ends each header block (the reader flushes on it)
    const out = Buffer.concat([this.headerOut === 0 ? Buffer.from([0x78, 0x01]) : Buffer.alloc(0), stored, raw, Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff])]);
    this.headerOut++;
    return out;
  }

  private readHeaders(block: Buffer): Map<string, string> {
    this.compressed.push(block);
    const all = inflateSync(Buffer.concat(this.compressed), { dictionary: SPDY_DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH });
    const fresh = all.subarray(this.inflatedLen);
    this.inflatedLen = all.length;
    const out = new Map<string, string>();
    let off = 0;
    const count = fresh.readUInt32BE(off); off += 4;
    for (let i = 0; i < count; i++) {
      const kl = fresh.readUInt32BE(off); off += 4;
      const k = fresh.subarray(off, off + kl).toString(); off += kl;
      const vl = fresh.readUInt32BE(off); off += 4;
      const v = fresh.subarray(off, off + vl).toString(); off += vl;
      out.set(k.toLowerCase(), v);
    }
    return out;
  }

  private onBytes(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= 8) {
      const len = this.buf.readUInt32BE(4) & 0xffffff;
      if (this.buf.length < 8 + len) return;
      const frame = this.buf.subarray(0, 8 + len);
      this.buf = this.buf.subarray(8 + len);
      try { this.onFrame(frame); } catch (e) { if (process.env.FAKE_KUBE_DEBUG) console.error("spdy", e); this.ws.close(1011); return; }
    }
  }

  private onFrame(f: Buffer): void {
    const flags = f.readUInt8(4);
    const body = f.subarray(8);
    if (f.readUInt8(0) & 0x80) {
      const type = f.readUInt16BE(2);
      if (type === SYN_STREAM) {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = this.readHeaders(body.subarray(10));
        this.onSynStream(id, headers, (flags & FLAG_FIN) !== 0);
      } else if (type === RST_STREAM) {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const s = this.streams.get(id);
        s?.socket?.destroy();
        this.streams.delete(id);
      } else if (type === PING) {
        this.send(this.control(PING, 0, Buffer.from(body)));
      } else if (type === GOAWAY) {
        this.ws.close(1000);
      }
      // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do
      return;
    }
    const id = f.readUInt32BE(0) & 0x7fffffff;
    const s = this.streams.get(id);
    if (!s) return;
    if (body.length && s.type === 'data') s.socket?.write(body);
    if (flags & FLAG_FIN) {
      if (s.type === 'data') s.socket?.end();
    }
  }

  private finish(s: PfStream, data?: Buffer): void {
    if (s.finSent) return;
    s.finSent = true;
    this.send(this.dataFrame(s.id, FLAG_FIN, data ?? Buffer.alloc(0)));
  }

  private errorStreamFor(requestId: string): PfStream | undefined {
    for (const s of this.streams.values()) if (s.type === 'error' && s.requestId === requestId) return s;
    return undefined;
  }

  private onSynStream(id: number, headers: Map<string, string>, _fin: boolean): void {
    const type = headers.get('streamtype') ?? '';
    const port = Number(headers.get('port') ?? 0);
    const requestId = headers.get('requestid') ?? String(id);
    const s: PfStream = { id, type, port, requestId, finSent: false };
    this.streams.set(id, s);
    const reply = Buffer.alloc(4);
    reply.writeUInt32BE(id, 0);
    this.send(this.control(SYN_REPLY, 0, Buffer.concat([reply, this.headerBlock([])])));
    if (type !== 'data') return;
    const err = this.errorStreamFor(requestId);
    const local = this.resolvePort(port);
    if (local === undefined) {
      if (err) this.finish(err, Buffer.from(this.describe(port)));
      this.finish(s);
      return;
    }
    const sock = connect(local, '127.0.0.1');
    this.track(sock);
    s.socket = sock;
    sock.on('data', (d: Buffer) => this.send(this.dataFrame(id, 0, d)));
    sock.on('error', (e) => { if (err) this.finish(err, Buffer.from(`error forwarding port ${port}: ${e.message}`)); });
    sock.on('close', () => {
      this.finish(s);
      if (err) this.finish(err);
    });
  }
}
