/**
 * The headless shell: the same services as the Electron app, the built renderer served on
 * 127.0.0.1 and the contract over one token-protected WebSocket. This is how tests, CI and any
 * machine without the Electron binary run the real console in a browser.
 */
// First: bounds V8's young generation before the other modules load (young-gen.ts).
import './young-gen-start';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getHeapSpaceStatistics } from 'node:v8';
import { DbError } from '../db/errors';
import { OffsetClock } from './clock';
import { mainT } from './i18n';
import { createLogger } from './log';
import { createServices, type Services } from './services';
import { openConfSettings } from './settings/conf-store';
import { SettingsError } from './settings/store';
import { findAssetsDir, parseHeadlessArgs } from './shell-args';
import { createDispatcher } from './transport/dispatch';
import { DOWNLOAD_PREFIX } from './reports/downloads';
import { createStaticHandler } from './transport/static-server';
import { createWsTransport, sameSecret } from './transport/ws-server';

export interface HeadlessApp {
  url: string;
  port: number;
  services: Services;
  close(): Promise<void>;
}

export async function startHeadless(argv: string[]): Promise<HeadlessApp> {
  const log = createLogger('headless');
  const args = parseHeadlessArgs(argv, __dirname);
  mkdirSync(args.dataDir, { recursive: true, mode: 0o700 });
  const settings = openConfSettings(args.dataDir, { onUpgrade: (from, saved) => log.info('settings upgraded from version %d; the previous file is kept as %s', from, saved) });
  const clock = new OffsetClock();
  const services = await createServices({ shell: 'headless', dataDir: args.dataDir, assetsDir: findAssetsDir(__dirname), settings, clock, log, testHooks: args.testHooks ? { clock } : undefined, ...(args.testHooks && process.env.CSU_TEST_SEGMENT_MS ? { recordingSegmentMs: Number(process.env.CSU_TEST_SEGMENT_MS) } : {}) });

  const token = randomBytes(32).toString('base64url');
  let port = 0;
  const host = () => `127.0.0.1:${port}`;
  const ws = createWsTransport({
    token,
    allowedOrigin: () => `http://${host()}`,
    dispatch: createDispatcher(services.handlers, log, () => services.session.operator),
    log,
  });
  const unsubscribe = services.events.subscribe((event, payload) => ws.emit(event, payload));
  const serveStatic = createStaticHandler(args.rendererDir, host);
  const server = http.createServer((req, res) => {
    if (args.testHooks && req.url?.startsWith('/__test/')) return void testHook(req, res);
    // One-time report links (the token is the authority); our own host name only, as for the page.
    if (req.url?.startsWith(DOWNLOAD_PREFIX) && req.headers.host === host()) {
      return void services.downloads.serve(req, res).catch((err: unknown) => {
        log.error('report download failed: %s', err instanceof Error ? err.message : String(err));
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    }
    serveStatic(req, res).catch((err: unknown) => {
      log.error('static file error: %s', err instanceof Error ? err.message : String(err));
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // A client that sends garbage or drops mid-request ends its own socket, never the console.
  server.on('clientError', (err, socket) => {
    log.warn('http client error: %s', err.message);
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.on('upgrade', (req, socket, head) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname === '/api') ws.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  /**
   * Test-only controls, present only with --test-hooks (never in the Electron build): move the
   * wall clock forward so end-to-end tests need not wait two hours. Same token as the API.
   */
  function testHook(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // Same DNS-rebinding rule as the page and the API: our loopback host only.
    if (req.headers.host !== host()) return reply(421, { error: 'misdirected' });
    if (req.method !== 'POST' || !sameSecret(String(req.headers['x-csu-token'] ?? ''), token)) return reply(403, { error: 'forbidden' });
    if (url.pathname === '/__test/clock') {
      const ms = Number(url.searchParams.get('advance'));
      if (!Number.isFinite(ms) || ms < 0) return reply(400, { error: 'advance takes ms >= 0' });
      clock.advance(ms);
      services.grants.reschedule();
      return reply(200, { now: clock.now() });
    }
    if (url.pathname === '/__test/relay') {
      // A camera's ffmpeg dies (as on a camera blip), or the relay drops every socket with a code (4005: slow client).
      const kill = url.searchParams.get('kill');
      if (kill) return reply(200, { pid: services.relay.killSource(kill) ?? null });
      const code = Number(url.searchParams.get('close'));
      if (Number.isInteger(code) && code >= 4000 && code < 5000) return reply(200, { closed: services.relay.closeClients(code, 'test hook') });
      return reply(400, { error: 'relay takes kill=<cameraId> or close=<4000-4999>' });
    }
    if (url.pathname === '/__test/api' && url.searchParams.get('drop') === '1') {
      // Every page's API socket dropped: for main those pages have ended (page-scope.ts), their stream tokens with them.
      return reply(200, { dropped: ws.dropClients() });
    }
    if (url.pathname === '/__test/memory') {
      // The wall bench tells a leak from buffers filling: V8's heap, Buffers outside it, and the relay's queued bytes.
      const { tokens, clients, maxBufferedBytes } = services.relay.snapshot();
      const spaces = Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.space_size]));
      return reply(200, { ...process.memoryUsage(), spaces, relay: { tokens, clients, maxBufferedBytes } });
    }
    reply(404, { error: 'unknown hook' });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(args.port, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;
  server.on('error', (err) => log.error('http server error: %s', err.message));
  services.allowOrigin(`http://${host()}`);
  const url = `http://${host()}/#token=${token}`;

  let closed = false;
  return {
    url,
    port,
    services,
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      ws.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
    },
  };
}

async function main(): Promise<void> {
  let app: HeadlessApp;
  try {
    app = await startHeadless(process.argv.slice(2));
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(mainT()('errors.SETTINGS_INVALID', { file: err.file, reason: err.reason }) + '\n');
      process.exit(78);
    }
    if (err instanceof DbError) {
      process.stderr.write(`${mainT()(`errors.${err.code}`, { file: (err.details as { file?: string } | undefined)?.file ?? '' })}\n${err.message}\n`);
      process.exit(74);
    }
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  process.stdout.write(`${mainT()('headless.ready')}\n${app.url}\n`);
  let stopping = false;
  const stop = (why: string) => {
    // A second signal (Ctrl-C reaches the wrapper and this process alike) must not cut the close
    // short: the grants are ended and journaled, ffmpeg and the embedded server stopped, then exit.
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${why}, stopping\n`);
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('received SIGINT'));
  process.on('SIGTERM', () => stop('received SIGTERM'));
  // Started by scripts/start.mjs with an IPC channel: when the wrapper goes, so does the shell.
  if (process.send) process.on('disconnect', () => stop('the npm start wrapper went away'));
}

if (require.main === module) void main();
