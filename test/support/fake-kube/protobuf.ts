/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, which kubectl's generators send (`kubectl create
 * namespace|configmap|secret|serviceaccount`): the `k8s\0` envelope (runtime.Unknown) and the wire format of the
 * few small kinds whose field numbers (k8s.io/api generated.proto) are mirrored here. Any other kind is answered
 * 415, as the fake cannot decode it; send those as JSON (`kubectl apply/create -f`).
 */
import { KubeError } from './errors.js';
import type { ResourceType } from './resources.js';

type Rec = Record<string, unknown>;

interface Field { no: number; wire: number; value: bigint | Buffer }

function readVarint(b: Buffer, pos: { i: number }): bigint {
  let shift = 0n;
  let out = 0n;
  for (;;) {
    if (pos.i >= b.length) throw new Error('truncated varint');
    const byte = b[pos.i++] as number;
    out |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return out;
    shift += 7n;
  }
}

function fields(b: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { i: 0 };
  while (pos.i < b.length) {
    const key = Number(readVarint(b, pos));
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: readVarint(b, pos) });
    else if (wire === 2) {
      const len = Number(readVarint(b, pos));
      out.push({ no, wire, value: b.subarray(pos.i, pos.i + len) });
      pos.i += len;
    } else if (wire === 1) { out.push({ no, wire, value: b.subarray(pos.i, pos.i + 8) }); pos.i += 8; }
    else if (wire === 5) { out.push({ no, wire, value: b.subarray(pos.i, pos.i + 4) }); pos.i += 4; }
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');

function map(fs: Field[], no: number, bytes: boolean): Rec | undefined {
  const entries = fs.filter((f) => f.no === no);
  if (!entries.length) return undefined;
  const out: Rec = {};
  for (const e of entries) {
    const kv = fields(e.value as Buffer);
    const k = kv.find((x) => x.no === 1);
    const v = kv.find((x) => x.no === 2);
    const key = k ? str(k) : '';
    out[key] = v ? (bytes ? (v.value as Buffer).toString('base64') : str(v)) : '';
  }
  return out;
}

function objectMeta(b: Buffer): Rec {
  const fs = fields(b);
  const m: Rec = {};
  const s = (no: number, name: string) => { const f = fs.find((x) => x.no === no); if (f) m[name] = str(f); };
  s(1, 'name'); s(2, 'generateName'); s(3, 'namespace'); s(5, 'uid'); s(6, 'resourceVersion');
  const labels = map(fs, 11, false);
  if (labels) m.labels = labels;
  const annotations = map(fs, 12, false);
  if (annotations) m.annotations = annotations;
  const finalizers = fs.filter((x) => x.no === 14).map(str);
  if (finalizers.length) m.finalizers = finalizers;
  for (const k of Object.keys(m)) if (m[k] === '') delete m[k];
  return m;
}

const DECODERS: Record<string, (fs: Field[]) => Rec> = {
  ConfigMap: (fs) => {
    const o: Rec = {};
    const data = map(fs, 2, false); if (data) o.data = data;
    const bin = map(fs, 3, true); if (bin) o.binaryData = bin;
    const imm = fs.find((x) => x.no === 4); if (imm) o.immutable = imm.value === 1n;
    return o;
  },
  Secret: (fs) => {
    const o: Rec = {};
    const data = map(fs, 2, true); if (data) o.data = data;
    const t = fs.find((x) => x.no === 3); if (t && str(t)) o.type = str(t);
    const sd = map(fs, 4, false); if (sd) o.stringData = sd;
    const imm = fs.find((x) => x.no === 5); if (imm) o.immutable = imm.value === 1n;
    return o;
  },
  Namespace: (fs) => {
    const o: Rec = {};
    const spec = fs.find((x) => x.no === 2);
    if (spec) {
      const fin = fields(spec.value as Buffer).filter((x) => x.no === 1).map(str);
      o.spec = fin.length ? { finalizers: fin } : {};
    }
    return o;
  },
  ServiceAccount: (fs) => {
    const o: Rec = {};
    const ips = fs.filter((x) => x.no === 3).map((f) => ({ name: str(fields(f.value as Buffer).find((x) => x.no === 1) ?? { no: 1, wire: 2, value: Buffer.alloc(0) }) }));
    if (ips.length) o.imagePullSecrets = ips;
    const auto = fs.find((x) => x.no === 4); if (auto) o.automountServiceAccountToken = auto.value === 1n;
    return o;
  },
};

export function decodeProtobufObject(body: Buffer, r: ResourceType): Rec {
  const unsupported = () => new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (the fake API server decodes protobuf only for ${Object.keys(DECODERS).join(', ')})`);
  const decoder = DECODERS[r.kind];
  if (!decoder) throw unsupported();
  if (body.length < 4 || body.subarray(0, 4).toString('latin1') !== 'k8s\u0000') {
    throw new KubeError(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  const unknown = fields(body.subarray(4));
  const tm = unknown.find((x) => x.no === 1);
  const raw = unknown.find((x) => x.no === 2);
  const typeMeta = tm ? fields(tm.value as Buffer) : [];
  const apiVersion = typeMeta.find((x) => x.no === 1);
  const kind = typeMeta.find((x) => x.no === 2);
  const fs = raw ? fields(raw.value as Buffer) : [];
  const metaField = fs.find((x) => x.no === 1);
  const obj: Rec = {
    ...(apiVersion && str(apiVersion) ? { apiVersion: str(apiVersion) } : {}),
    ...(kind && str(kind) ? { kind: str(kind) } : {}),
    metadata: metaField ? objectMeta(metaField.value as Buffer) : {},
    ...decoder(fs),
  };
  return obj;
}
