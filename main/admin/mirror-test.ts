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

export async function testMirror(o: { serverUrl: string | undefined; caFile?: string | undefined; token: string | undefined; consoleId: string; timeoutMs?: number }): Promise<Result> {
  const started = Date.now();
  if (!o.serverUrl || !o.token) return { ok: false, error: 'NOT_CONFIGURED', status: null, elapsedMs: 0 };
  try {
    // The same transport as the mirror, with the same CA: what the test says is what the mirror meets.
    const res = await request(`${o.serverUrl.replace(/\/$/, '')}/v1/consoles/${encodeURIComponent(o.consoleId)}/ack`, {
      headers: { authorization: `Bearer ${o.token}` },
      timeoutMs: o.timeoutMs ?? 5000,
      ...(o.caFile ? { ca: readFileSync(o.caFile, 'utf8') } : {}),
    });
    const elapsedMs = Date.now() - started;
    if (res.ok) return { ok: true, error: null, status: res.status, elapsedMs };
    return { ok: false, error: res.status === 401 || res.status === 403 ? 'TOKEN_REFUSED' : 'HTTP_ERROR', status: res.status, elapsedMs };
  } catch (err) {
    return { ok: false, error: classifyFetchError(err), status: null, elapsedMs: Date.now() - started };
  }
}
