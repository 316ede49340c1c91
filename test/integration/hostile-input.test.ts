import path from 'node:path';
import http from 'node:http';
import WebSocket from 'ws';
import { openDatabase } from '../../db';
import { openApi } from '../helpers/api-client';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { tmpDir } from '../helpers/tmp';
import { connectStream, tryConnect, waitFor } from '../helpers/ws-client';

/**
 * Hostile input against the real headless console (a child process, as a user runs it): an
 * oversized frame, foreign Host headers, a stream link used twice. The console must survive
 * each one and keep its evidence.
 */
const request = { siteId: 'tripode', cameraIds: ['tripode-hall-bercy'], motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', durationMin: 120, serviceId: 'pm-charenton' };

describe('hostile input against the headless console', () => {
  const tmp = tmpDir('csu-hostile-');
  let app: RunningHeadless;
  let port: number;

  beforeAll(async () => {
    app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    port = Number(new URL(app.url).port);
  }, 30000);
  afterAll(async () => {
    await app?.stop();
    tmp.cleanup();
  });

  test('a frame of 1 MiB + 1 closes that socket with 1009; the console goes on and a running grant still ends journaled', async () => {
    const api = await openApi(port, app.token);
    expect((await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' })).ok).toBe(true);
    const r = await api.call('grants.request', request);
    expect(r).toMatchObject({ ok: true, value: { accepted: true } });
    const grantId = r.value.grant.id as string;

    const hostile = await openApi(port, app.token);
    hostile.ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await hostile.closed).toBe(1009);

    expect(app.child.exitCode).toBeNull();
    expect(await api.call('app.info')).toMatchObject({ ok: true });
    const other = await openApi(port, app.token);
    expect(await other.call('app.info')).toMatchObject({ ok: true });
    // Malformed messages still get typed errors, on the same socket.
    const garbage = await new Promise<any>((resolve) => {
      other.ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      other.ws.send('{not json');
    });
    expect(garbage).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    expect(await api.call('grants.stop', { grantId })).toMatchObject({ ok: true });
    api.ws.close();
    other.ws.close();
    expect(await app.stop()).toBe(0);
    const db = await openDatabase(path.join(tmp.dir, 'console.sqlite'));
    try {
      const ended = (await db('journal').where({ kind: 'transmission.ended' })).map((e: any) => JSON.parse(e.payload));
      expect(ended).toEqual([expect.objectContaining({ grantId, reason: 'stopped_by_operator' })]);
    } finally {
      await db.destroy();
    }
    app = await spawnHeadless(tmp.dir, ['--test-hooks']);
    port = Number(new URL(app.url).port);
  }, 60000);

  test('a foreign Host header is refused on /api, on the test hook and on the stream relay; a stream token serves one socket at a time', async () => {
    await expect(tryConnect(`ws://127.0.0.1:${port}/api?token=${app.token}`, { Origin: `http://127.0.0.1:${port}`, Host: `evil.example:${port}` })).resolves.toEqual({ status: 421, opened: false });
    const hook = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/__test/clock?advance=0', method: 'POST', headers: { Host: 'evil.example', 'X-CSU-Token': app.token } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(hook).toBe(421);

    const api = await openApi(port, app.token);
    await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    const r = await api.call('grants.request', { ...request, cameraIds: ['tripode-sous-sol'] });
    const s = await api.call('grants.openStreams', { grantId: r.value.grant.id });
    const url = s.value.streams[0].url as string;
    const relayPort = new URL(url).port;
    await expect(tryConnect(url, { Origin: `http://127.0.0.1:${port}`, Host: `localhost:${relayPort}` })).resolves.toEqual({ status: 421, opened: false });

    // One socket per stream token at a time: a second socket on the same link takes it over and
    // the first is closed with 4007 (the newest wins, as a tile's fresh player does); never both.
    const first = await connectStream(url, `http://127.0.0.1:${port}`);
    await waitFor(() => first.bytes() > 0, 20000, 'first viewer streaming');
    const second = await connectStream(url, `http://127.0.0.1:${port}`);
    expect((await first.closed).code).toBe(4007);
    const before = second.bytes();
    await waitFor(() => second.bytes() > before + 1000, 20000, 'second viewer streaming');
    expect(first.ws.readyState).toBe(WebSocket.CLOSED);
    await api.call('grants.stop', { grantId: r.value.grant.id });
    expect((await second.closed).code).toBe(4002);
    api.ws.close();
  }, 60000);
});
