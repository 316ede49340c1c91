/**
 * One-time download links for the headless shell: the browser fetches a report once from the
 * loopback server with an unguessable token; the token then dies, and so does the file. An
 * unclaimed link expires after a few minutes (the file is removed too).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../clock';

interface Pending {
  file: string;
  fileName: string;
  mime: string;
  inline: boolean;
  expiresAt: number;
}

export const DOWNLOAD_PREFIX = '/reports/';
const TTL_MS = 5 * 60000;

export class OneTimeDownloads {
  private pending = new Map<string, Pending>();
  constructor(private readonly clock: Clock) {}

  /** Registers a file and returns its path on the loopback server (`/reports/<token>`). */
  add(file: string, fileName: string, mime: string, inline: boolean): string {
    this.sweep();
    const token = randomBytes(32).toString('base64url');
    this.pending.set(token, { file, fileName, mime, inline, expiresAt: this.clock.now() + TTL_MS });
    return `${DOWNLOAD_PREFIX}${token}`;
  }

  /** Serves `/reports/<token>` once. Answers 404 for an unknown, used or expired token. */
  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.sweep();
    const token = new URL(req.url ?? '/', 'http://127.0.0.1').pathname.slice(DOWNLOAD_PREFIX.length);
    const p = this.pending.get(token);
    if (req.method !== 'GET' || !p) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      return void res.end();
    }
    this.pending.delete(token);
    const stat = await fs.stat(p.file);
    // RFC 6266: an ASCII fallback name and the UTF-8 one (accents in « registre-… »).
    const ascii = p.fileName.normalize('NFD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '');
    res.writeHead(200, {
      'Content-Type': p.mime,
      'Content-Length': String(stat.size),
      'Content-Disposition': `${p.inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(p.fileName)}`,
      'Cache-Control': 'no-store, max-age=0',
      Pragma: 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    const stream = createReadStream(p.file);
    stream.pipe(res);
    await new Promise<void>((resolve) => res.once('close', resolve));
    await fs.rm(p.file, { force: true });
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [token, p] of this.pending) {
      if (p.expiresAt <= now) {
        this.pending.delete(token);
        void fs.rm(p.file, { force: true });
      }
    }
  }

  /** Removes every file not yet claimed (the console stops). */
  async close(): Promise<void> {
    await Promise.all([...this.pending.values()].map((p) => fs.rm(p.file, { force: true })));
    this.pending.clear();
  }
}
