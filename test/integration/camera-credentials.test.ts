import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { createDispatcher } from '../../main/transport/dispatch';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';

/**
 * A camera behind a password (issue G2), with GStreamer's RTSP server asking for it: the
 * administrateur stores it, the camera test and a grant's stream get through, and the password
 * never shows in ffmpeg's command line, a log line, the database or the journal.
 */
const SECRET = 'Cam-Secret-2026';
const ORIGIN = 'http://127.0.0.1:5997';

describe('camera credentials', () => {
  const tmp = tmpDir('csu-cred-');
  const lines: string[] = [];
  const log = { info: (m: string, ...a: unknown[]) => lines.push(format(m, ...a)), warn: (m: string, ...a: unknown[]) => lines.push(format(m, ...a)), error: (m: string, ...a: unknown[]) => lines.push(format(m, ...a)) };
  let sim: RtspSim;
  let s: Services;
  let call: (ch: string, args?: unknown) => Promise<any>;

  beforeAll(async () => {
    sim = await startRtspSim({ cams: 1, auth: `csu:${SECRET}` });
    s = await createServices({ shell: 'headless', dataDir: tmp.dir, assetsDir: path.join(repoRoot, 'assets'), settings: openConfSettings(tmp.dir), clock: new OffsetClock(), log });
    s.allowOrigin(ORIGIN);
    const dispatch = createDispatcher(s.handlers, log, () => s.session.operator);
    call = (ch, args) => dispatch(ch, args, { transport: 'ws' });
  }, 30000);
  afterAll(async () => {
    await s?.close();
    await sim?.stop();
    tmp.cleanup();
  });

  test('stored by the administrateur, used by the test and the stream, seen nowhere', async () => {
    await call('session.login', { matricule: 'ADM301', password: 'demo-administrateur' });
    const cam = (await call('admin.catalogue')).value.cameras.find((c: any) => c.id === 'tripode-hall-arcade');
    const url = `rtsp://127.0.0.1:${sim.port}/cam1`;
    const base = { id: cam.id, siteId: cam.siteId, label: cam.label, zone: cam.zone, url, subStreamUrl: null, username: 'csu', active: true };
    expect((await call('admin.saveCamera', { ...base, password: 'pas-le-bon' })).ok).toBe(true);
    expect((await call('admin.testCamera', { cameraId: cam.id })).value).toMatchObject({ reachable: true, authOk: false, error: 'AUTH_FAILED', codec: null });
    expect((await call('admin.saveCamera', { ...base, password: SECRET })).ok).toBe(true);
    const facts = (await call('admin.testCamera', { cameraId: cam.id })).value;
    expect(facts).toMatchObject({ reachable: true, authOk: true, codec: 'h264', width: 320, height: 180, fps: 15, error: null });
    expect(facts.sub).toBeUndefined();
    // A sub stream is tested too, with the same credentials: here a path the simulator does not serve.
    expect((await call('admin.saveCamera', { ...base, subStreamUrl: `rtsp://127.0.0.1:${sim.port}/nope` })).ok).toBe(true);
    const both = (await call('admin.testCamera', { cameraId: cam.id })).value;
    expect(both).toMatchObject({ authOk: true, error: null, codec: 'h264' });
    expect(both.sub).toMatchObject({ codec: null });
    expect(both.sub.error).not.toBeNull();
    expect((await call('admin.saveCamera', { ...base, subStreamUrl: null })).ok).toBe(true);

    await call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
    const g = await call('grants.request', { siteId: 'tripode', cameraIds: [cam.id], motive: 'vols', justification: 'Vol signalé dans le hall par le gardien.', durationMin: 120, serviceId: 'pm-charenton' });
    expect(g.value.accepted).toBe(true);
    const { streams } = (await call('grants.openStreams', { grantId: g.value.grant.id })).value;
    const client = await connectStream(streams[0].url, ORIGIN);
    await waitFor(() => client.bytes() > 20_000, 20000, 'the authenticated camera streams');

    // What any local user can read of the running ffmpeg: not the password.
    const pids = s.relay.snapshot().pipes.map((p) => p.pid).filter((p): p is number => !!p);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain(SECRET);
    client.ws.close();

    const stored = JSON.stringify([await s.db('journal').select(), await s.db('cameras').select()]);
    expect(stored).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
  }, 90000);
});
