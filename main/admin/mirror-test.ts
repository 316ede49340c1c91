/**
 * « Tester la connexion » to the central server: says what failed — refused, timeout,
 * certificate, host name, token — not just « injoignable ».
 */
import { readFileSync } from 'node:fs';
import type { MirrorTestView } from '../../preload/admin';
import { request } from '../mirror/transport';

type Result = MirrorTestView;

function causeCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return String(cause?.code ?? (err as { code?: string }).code ?? '');
}

export function classifyFetchError(err: unknown): NonNullable<Result['error']> {
  const code = causeCode(err);
  if ((err as Error).name === 'TimeoutError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'TIMEOUT';
  if (code === 'ECONNREFUSED') return 'REFUSED';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'UNREACHABLE';
  // The CA file (mirror.caFile) missing or unreadable: a certificate set-up problem.
  if (code === 'ENOENT' || code === 'EACCES') return 'CERTIFICATE';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'HOSTNAME';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code)) return 'CERTIFICATE';
  return 'UNREACHABLE';
}

/**
 * The console's own path first (its token on GET /ack), then what the server says of its signing
 * key: « non enrôlé » when the server waits for a key, « signature invalide » when it holds another
 * one (a rotated console, a reinstalled key). Then the reader token, when one is stored.
 */
export async function testMirror(o: { serverUrl: string | undefined; caFile?: string | undefined; token: string | undefined; consoleId: string; timeoutMs?: number; publicKey?: string | undefined; readerToken?: string | undefined }): Promise<Result> {
  const started = Date.now();
  if (!o.serverUrl || !o.token) return { ok: false, error: 'NOT_CONFIGURED', status: null, elapsedMs: 0 };
  const base = o.serverUrl.replace(/\/$/, '');
  try {
    // The same transport as the mirror, with the same CA: what the test says is what the mirror meets.
    const ca = o.caFile ? { ca: readFileSync(o.caFile, 'utf8') } : {};
    const res = await request(`${base}/v1/consoles/${encodeURIComponent(o.consoleId)}/ack`, { headers: { authorization: `Bearer ${o.token}` }, timeoutMs: o.timeoutMs ?? 5000, ...ca });
    const elapsedMs = Date.now() - started;
    if (!res.ok) return { ok: false, error: res.status === 401 || res.status === 403 ? 'TOKEN_REFUSED' : 'HTTP_ERROR', status: res.status, elapsedMs };
    const reader = o.readerToken ? await tryReader(base, o.readerToken, o.timeoutMs ?? 5000, ca) : undefined;
    const signing = readSigning(res);
    const error = signing?.required ? (!signing.publicKey ? 'NOT_ENROLLED' : o.publicKey && signing.publicKey.trim() !== o.publicKey.trim() ? 'SIGNATURE_INVALID' : null) : null;
    return { ok: error === null, error, status: res.status, elapsedMs, ...(reader ? { reader } : {}) };
  } catch (err) {
    return { ok: false, error: classifyFetchError(err), status: null, elapsedMs: Date.now() - started };
  }
}

function readSigning(res: { json(): unknown }): { required: boolean; publicKey: string | null } | undefined {
  try {
    const s = (res.json() as { signing?: { required?: unknown; publicKey?: unknown } }).signing;
    return s ? { required: s.required === true, publicKey: typeof s.publicKey === 'string' ? s.publicKey : null } : undefined;
  } catch {
    return undefined;
  }
}

async function tryReader(base: string, token: string, timeoutMs: number, ca: { ca?: string }): Promise<'ok' | 'refused' | 'error'> {
  try {
    const r = await request(`${base}/v1/registry?limit=1`, { headers: { authorization: `Bearer ${token}` }, timeoutMs, ...ca });
    return r.ok ? 'ok' : r.status === 401 || r.status === 403 ? 'refused' : 'error';
  } catch {
    return 'error';
  }
}
