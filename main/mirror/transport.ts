/**
 * The mirror's HTTP(S) requests, on node:http/https rather than fetch: only they take a CA
 * (`mirror.caFile`, PEM) for a central server certified by an internal PKI, without
 * NODE_EXTRA_CA_CERTS. Errors keep Node's codes (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID,
 * UNABLE_TO_VERIFY_LEAF_SIGNATURE…) so « Tester la connexion » can say what failed.
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

export interface TransportOptions {
  /** Extra trusted certificates (PEM), added to the public roots. */
  ca?: string;
  /** Largest answer body read; beyond it the request fails (code ANSWER_TOO_LARGE) instead of filling memory. */
  maxBytes?: number;
}

export interface Answer {
  status: number;
  ok: boolean;
  text: string;
  json(): unknown;
  /** Response headers, lower-case names (the catalogue's ETag). */
  headers: Record<string, string | string[] | undefined>;
}

/** http:// is allowed only to the console itself: a token and a registry never cross a network in clear. */
export function isLoopbackUrl(u: URL): boolean {
  const h = u.hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function checkServerUrl(url: string): 'ok' | 'not_a_url' | 'https_required' {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not_a_url';
  }
  if (u.protocol === 'https:') return 'ok';
  return u.protocol === 'http:' && isLoopbackUrl(u) ? 'ok' : 'https_required';
}

export function request(url: string, o: { method?: 'GET' | 'POST' | 'PUT'; headers?: Record<string, string>; body?: string; timeoutMs: number } & TransportOptions): Promise<Answer> {
  const u = new URL(url);
  if (checkServerUrl(url) !== 'ok') return Promise.reject(Object.assign(new Error(`refused: ${u.protocol}// outside loopback`), { code: 'HTTPS_REQUIRED' }));
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: o.method ?? 'GET',
        headers: { ...(o.headers ?? {}), ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}) },
        ...(u.protocol === 'https:' && o.ca ? { ca: [...rootCertificates, o.ca] } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (o.maxBytes !== undefined && size > o.maxBytes) req.destroy(Object.assign(new Error(`answer over ${o.maxBytes} bytes`), { code: 'ANSWER_TOO_LARGE' }));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, text, json: () => JSON.parse(text) as unknown, headers: res.headers });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('request timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' })), o.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
}
