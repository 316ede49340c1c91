import WebSocket from 'ws';
import { startHeadless, type HeadlessApp } from '../../main/headless';
import { tmpDir } from '../helpers/tmp';

/** The headless shell in-process: the real HTTP server, WebSocket transport and services. */
describe('headless WebSocket transport', () => {
  const tmp = tmpDir();
  let app: HeadlessApp;
  let token: string;
  let origin: string;

  beforeAll(async () => {
    app = await startHeadless(['--data-dir', tmp.dir, '--renderer-dir', tmp.dir]);
    const u = new URL(app.url);
    token = new URLSearchParams(u.hash.slice(1)).get('token')!;
    origin = u.origin;
  });
  afterAll(async () => {
    await app.close();
    tmp.cleanup();
  });

  function open(query: string, headers: Record<string, string>): Promise<{ ws?: WebSocket; status?: number }> {
    return new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${app.port}/api${query}`, { headers });
      ws.once('open', () => resolve({ ws }));
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
      ws.once('error', () => resolve({}));
    });
  }

  /** The answer to msg: the next message that is not an event (main pushes events, mirror.status among them, whenever they happen). */
  function rpc(ws: WebSocket, msg: unknown): Promise<any> {
    return new Promise((resolve) => {
      const onMessage = (d: WebSocket.RawData) => {
        const m = JSON.parse(d.toString());
        if (m && typeof m === 'object' && 'event' in m) return;
        ws.off('message', onMessage);
        resolve(m);
      };
      ws.on('message', onMessage);
      ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    });
  }

  test('the right token and origin get app.info', async () => {
    const { ws } = await open(`?token=${token}`, { Origin: origin });
    expect(ws).toBeDefined();
    const r = await rpc(ws!, { id: 1, channel: 'app.info' });
    expect(r).toMatchObject({ id: 1, ok: true, value: { name: 'Console CSU', shell: 'headless', mode: 'demo' } });
    ws!.close();
  });

  test('wrong argument types are refused with INVALID_ARGUMENT; malformed frames do not kill the socket', async () => {
    const { ws } = await open(`?token=${token}`, { Origin: origin });
    const r = await rpc(ws!, { id: 2, channel: 'app.info', args: { x: 1 } });
    expect(r).toMatchObject({ id: 2, ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(typeof r.error.message).toBe('string');
    const bad = await rpc(ws!, '{not json');
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const wrongShape = await rpc(ws!, { id: 'x', channel: 5 });
    expect(wrongShape).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const again = await rpc(ws!, { id: 3, channel: 'app.info' });
    expect(again.ok).toBe(true);
    ws!.close();
  });

  test('a missing token is refused at the upgrade', async () => {
    await expect(open('', { Origin: origin })).resolves.toEqual({ status: 401 });
  });

  test('a wrong token is refused at the upgrade', async () => {
    await expect(open(`?token=${token.slice(0, -2)}xx`, { Origin: origin })).resolves.toEqual({ status: 401 });
  });

  test('a foreign origin is refused even with the right token', async () => {
    await expect(open(`?token=${token}`, { Origin: 'http://evil.example' })).resolves.toEqual({ status: 403 });
    await expect(open(`?token=${token}`, {})).resolves.toEqual({ status: 403 });
  });

  test('other paths do not upgrade', async () => {
    const r = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${app.port}/other?token=${token}`, { headers: { Origin: origin } });
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode));
      ws.once('open', () => resolve(101));
      ws.once('error', () => resolve(undefined));
    });
    expect(r).toBe(404);
  });

  test('a foreign Host header is not served (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      http.get({ host: '127.0.0.1', port: app.port, path: '/', headers: { Host: 'evil.example' } }, (res) => resolve(res.statusCode!));
    });
    expect(status).toBe(421);
  });
});
