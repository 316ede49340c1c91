import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CSP } from '../csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
};

/**
 * Serves the built renderer to the headless shell's browser. The page gets the web transport
 * (preload-web.js) before the app, the same way Electron's preload runs before the page.
 */
export function createStaticHandler(rendererDir: string, expectedHost: () => string) {
  const root = path.resolve(rendererDir);
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    // DNS rebinding: only our own loopback host name is served.
    if (req.headers.host !== expectedHost()) return send(421, 'Misdirected Request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method Not Allowed');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return send(400, 'Bad Request');
    }
    if (rel === '/' || rel === '/index.html') {
      const html = await fs.readFile(path.join(root, 'index.html'), 'utf8');
      const withTransport = html.replace('<!-- transport -->', '<script src="./preload-web.js"></script>');
      return send(200, withTransport, TYPES['.html']);
    }
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep) || rel.includes('\0')) return send(404, 'Not Found');
    const type = TYPES[path.extname(file)];
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return send(404, 'Not Found');
    }
    if (!stat.isFile() || !type) return send(404, 'Not Found');
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(stat.size) });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };
}
