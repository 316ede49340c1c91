import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../db';
import { openApi } from '../helpers/api-client';
import { RECORDED_CAMERA, seedRecordingSite } from '../helpers/recording-site';
import { spawnHeadless, type RunningHeadless } from '../helpers/headless';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { tmpDir } from '../helpers/tmp';

/**
 * A recorded grant survives a crash of the console (SIGKILL of the real headless process): at the
 * next start the segment in progress is sealed and journaled as interrupted, the grant is resumed
 * and so is its recording, with no screen open. Real RTSP simulator, real ffmpeg, real SQLite.
 */
const CAM = RECORDED_CAMERA;
const ENV = { CSU_TEST_SEGMENT_MS: '1500' };

let sim: RtspSim;
beforeAll(async () => {
  sim = await startRtspSim({ cams: 1, keyframeS: 1 });
}, 20000);
afterAll(async () => {
  await sim.stop();
});

/** Sealed segments (their start instants) and segments in progress (their sizes) in a camera's folder. */
function segments(dir: string): { sealed: number[]; parts: number; partBytes: number } {
  if (!existsSync(dir)) return { sealed: [], parts: 0, partBytes: 0 };
  const names = readdirSync(dir);
  const parts = names.filter((n) => n.endsWith('.part'));
  return { sealed: names.flatMap((n) => /^(\d+)-\d+\.seg$/.exec(n)?.[1] ?? []).map(Number), parts: parts.length, partBytes: parts.reduce((sum, n) => sum + statSync(path.join(dir, n)).size, 0) };
}

async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function login(app: RunningHeadless) {
  const api = await openApi(Number(new URL(app.url).port), app.token);
  await api.call('session.login', { matricule: 'OP101', password: 'demo-operateur' });
  return api;
}

test('SIGKILL while recording: the open segment is journaled as interrupted, the grant and its recording resume without a screen', async () => {
  const t = tmpDir('csu-rec-crash-e2e-');
  await seedRecordingSite(t.dir, sim.url('cam1'));
  let app = await spawnHeadless(t.dir, ['--test-hooks'], ENV);
  try {
    let api = await login(app);
    const r = await api.call('grants.request', { siteId: 'tripode', cameraIds: [CAM], motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', durationMin: 120, serviceId: 'pm-charenton', record: { reason: 'Réquisition probable : conserver les images du hall.' } });
    expect(r.ok).toBe(true);
    const grantId = r.value.grant.id as string;
    const camDir = path.join(t.dir, 'recordings', grantId, CAM);
    // Two sealed segments, and one in progress with pictures in it when the process dies (an empty
    // one, a segment just begun, is removed at the next start: it holds nothing).
    await until(() => {
      const s = segments(camDir);
      return s.sealed.length >= 2 && s.parts === 1 && s.partBytes >= 4096;
    }, 30000, 'two segments and one in progress');
    api.ws.close();
    app.child.kill('SIGKILL');
    await new Promise((res) => app.child.once('exit', res));
    const before = segments(camDir).sealed.length;
    expect(segments(camDir).parts).toBe(1);

    const restartedAt = Date.now();
    app = await spawnHeadless(t.dir, ['--test-hooks'], ENV);
    // Nobody logs in, no page opens: the recording goes on by itself.
    await until(() => segments(camDir).sealed.some((s) => s >= restartedAt), 30000, 'a segment recorded after the restart');
    api = await login(app);
    expect((await api.call('grants.list')).value.map((g: { id: string }) => g.id)).toEqual([grantId]);
    expect(await api.call('grants.stop', { grantId })).toMatchObject({ ok: true });
    api.ws.close();
    expect(await app.stop()).toBe(0);

    const db = await openDatabase(path.join(t.dir, 'console.sqlite'));
    try {
      const rows = (await db('journal').whereIn('kind', ['transmission.interrupted', 'transmission.resumed', 'recording.segment', 'transmission.ended']).orderBy('seq')).map((e: { kind: string; payload: string }): { kind: string; [k: string]: unknown } => ({ kind: e.kind, ...(JSON.parse(e.payload) as Record<string, unknown>) }));
      const segs = rows.filter((e) => e.kind === 'recording.segment');
      // Every sealed file is a journal entry; the crash's leftover is one of them, marked interrupted.
      const files = segments(camDir);
      expect(files.parts).toBe(0);
      expect(segs.map((e) => e.start).sort()).toEqual([...files.sealed].sort());
      expect(files.sealed.length).toBeGreaterThan(before + 1);
      const interrupted = segs.filter((e) => e.interrupted === true);
      expect(interrupted).toHaveLength(1);
      expect(interrupted[0]!.start).toBeLessThan(restartedAt);
      // In order: the outage, the resumption, the new segments, the end after the last segment.
      const kinds = rows.map((e) => e.kind);
      const resumed = kinds.indexOf('transmission.resumed');
      expect(kinds.indexOf('transmission.interrupted')).toBeLessThan(resumed);
      expect(rows.slice(resumed + 1).some((e) => e.kind === 'recording.segment' && (e.start as number) >= restartedAt)).toBe(true);
      expect(kinds.at(-1)).toBe('transmission.ended');
    } finally {
      await db.destroy();
    }
  } finally {
    if (app.child.exitCode === null) await app.stop();
    t.cleanup();
  }
}, 120000);
