/**
 * The Electron shell's `app://console/…` answers, as a plain Request → Response function (no
 * Electron here, so it is unit-tested; window.ts hands it to `protocol.handle`). Same refusals as
 * the headless static server (transport/static-server.ts): another host, a method other than GET,
 * a malformed percent escape, a NUL byte or a path leaving the renderer folder.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CSP } from './csp';

export const APP_HOST = 'console';

/** Reads a file:// URL (Electron: net.fetch). */
export type FetchFile = (fileUrl: string) => Promise<Response>;

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' } });
}

export async function appProtocolResponse(request: Request, rendererDir: string, fetchFile: FetchFile): Promise<Response> {
  const root = path.resolve(rendererDir);
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return refuse(404, 'Not Found');
  // The renderer only loads its own files: nothing to post, put or delete.
  if (request.method !== 'GET') return refuse(405, 'Method Not Allowed');
  let rel: string;
  try {
    rel = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
  } catch {
    // decodeURIComponent throws URIError on a malformed escape such as %E0%A4%A.
    return refuse(400, 'Bad Request');
  }
  if (rel.includes('\0')) return refuse(404, 'Not Found');
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) return refuse(404, 'Not Found');
  const upstream = await fetchFile(pathToFileURL(file).toString());
  const headers = new Headers(upstream.headers);
  headers.set('Content-Security-Policy', CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  return new Response(upstream.body, { status: upstream.status, headers });
}
