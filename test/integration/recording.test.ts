import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { upsertCamera } from '../../db/catalogue';
import { aadOf, decryptSegment, SegmentWriter } from '../../main/recording/segment-file';
import { RECORDING_KEY_SECRET } from '../../main/recording/recorder';
import { fileSecretStore } from '../../main/secrets';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { countDecodedFrames } from '../helpers/decode';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';
import type { SettingsStore } from '../../main/settings/store';

/**
 * Recording on the real service graph (issue G3): the GStreamer RTSP simulator, the real ffmpeg
 * remux, real SQLite, real timers; the clock moved forward instead of waiting two hours.
 */
const ORIGIN = 'http://127.0.0.1:5997';
const silent = { info() {}, warn() {}, error() {} };
const MIN = 60000;
const DAY = 86400000;
const OP101 = { matricule: 'OP101', role: 'operateur' as const, designated: true };
const base = { siteId: 'tripode', motive: 'degradations', justification: 'Dégradations signalées dans le hall ce soir.', serviceId: 'pm-charenton', durationMin: 120 };
const record = { reason: 'Réquisition probable : conserver les images du hall.' };
const CAM = 'tripode-hall-arcade';

let sim: RtspSim;
beforeAll(async () => {
  sim = await startRtspSim({ cams: 1, keyframeS: 1 });
}, 20000);
afterAll(async () => {
  await sim.stop();
});

const settingsOf = new WeakMap<Services, SettingsStore>();

async function until(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function boot(dir: string, clock: OffsetClock, recordingAllowed = true): Promise<Services> {
  const settings = openConfSettings(dir);
  const s = await createServices({ shell: 'headless', dataDir: dir, assetsDir: path.join(repoRoot, 'assets'), settings, clock, log: silent, recordingSegmentMs: 1500 });
  settingsOf.set(s, settings);
  s.allowOrigin(ORIGIN);
  await upsertCamera(s.db, { id: CAM, siteId: 'tripode', label: "Hall — 1 rue de l'Arcade", zone: 'hall', sourceUrl: sim.url('cam1') });
  if (recordingAllowed) await s.db('conventions').where({ site_id: 'tripode' }).update({ recording_allowed: true, retention_days: 7 });
  await s.session.login('OP101', 'demo-operateur');
  return s;
}

async function journal(s: Services, kind: string) {
  const rows = await s.db('journal').where({ kind }).orderBy('seq');
  return rows.map((r: any) => ({ ...r, payload: JSON.parse(r.payload) }));
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const mode = (p: string) => statSync(p).mode & 0o777;

describe('recording where the convention allows it', () => {
  test('a recorded grant writes sealed, journaled segments without any tile; expiry seals the last one and stops ffmpeg', async () => {
    const t = tmpDir('csu-rec-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const g = await s.grants.request({ ...base, cameraIds: [CAM], record }, 'OP101');
      if (!g.accepted) throw new Error(`refused: ${g.reasons.join()}`);
      expect(g.grant.recorded).toBe(true);
      const [accepted] = await journal(s, 'request.accepted');
      expect(accepted.payload.record).toEqual({ reason: record.reason, retentionDays: 7 });
      // No tile is open: the recording alone keeps the camera's ffmpeg running.
      await until(async () => (await journal(s, 'recording.segment')).length >= 2, 30000, 'two segments');
      const root = path.join(t.dir, 'recordings');
      expect(mode(root)).toBe(0o700);
      expect(mode(path.join(root, g.grant.id))).toBe(0o700);
      expect(mode(path.join(root, g.grant.id, CAM))).toBe(0o700);

      clock.advance(g.grant.endsAt - 2000 - clock.now());
      s.grants.reschedule();
      await until(async () => (await journal(s, 'transmission.ended')).length === 1, 10000, 'end');
      expect(s.relay.snapshot().pipes).toEqual([]);
      const segs = await journal(s, 'recording.segment');
      const ended = (await journal(s, 'transmission.ended'))[0];
      // The last segment is journaled before the end of the transmission.
      expect(Math.max(...segs.map((e) => e.seq))).toBeLessThan(ended.seq);
      const files = readdirSync(path.join(root, g.grant.id, CAM));
      expect(files.filter((f) => f.endsWith('.part'))).toEqual([]);
      expect(files.filter((f) => f.endsWith('.seg')).length).toBe(segs.length);
      const key = Buffer.from(fileSecretStore(t.dir).get(RECORDING_KEY_SECRET)!, 'base64');
      let frames = 0;
      for (const e of segs) {
        const p = e.payload;
        const file = path.join(root, p.file);
        expect(mode(file)).toBe(0o600);
        const stored = readFileSync(file);
        expect(sha(stored)).toBe(p.storedSha256);
        expect(stored.length).toBe(p.storedBytes);
        const plain = decryptSegment(stored, key, aadOf(p.grantId, p.cameraId, p.start));
        expect(sha(plain)).toBe(p.sha256);
        expect(plain.length).toBe(p.bytes);
        // The stored bytes are not the stream: no TS sync pattern at rest.
        expect(stored.subarray(20, 20 + 188 * 3).filter((b, i) => i % 188 === 0 && b === 0x47).length).toBeLessThan(3);
        // Each segment decodes alone: it starts with its tables and a keyframe.
        const n = await countDecodedFrames(plain);
        expect(n).toBeGreaterThan(0);
        frames += n;
      }
      expect(frames).toBeGreaterThan(15);
      // Moved to another camera's folder or instant, a segment no longer authenticates.
      const p0 = segs[0].payload;
      expect(() => decryptSegment(readFileSync(path.join(root, p0.file)), key, aadOf(p0.grantId, 'other-cam', p0.start))).toThrow();
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('a convention without recording: the request with record is refused in French and nothing is written', async () => {
    const t = tmpDir('csu-rec-off-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock, false);
    try {
      const g = await s.grants.request({ ...base, cameraIds: [CAM], record }, 'OP101');
      expect(g).toEqual({ accepted: false, reasons: ['RECORDING_NOT_ALLOWED'] });
      const fr = JSON.parse(readFileSync(path.join(repoRoot, 'assets/locales/fr.json'), 'utf8'));
      expect(fr.refusals.RECORDING_NOT_ALLOWED).toMatch(/n'autorise pas l'enregistrement/);
      const plain = await s.grants.request({ ...base, cameraIds: [CAM] }, 'OP101');
      if (!plain.accepted) throw new Error('refused');
      const [stream] = await s.grants.openStreams(plain.grant.id, OP101);
      const c = await connectStream(stream!.url, ORIGIN);
      await waitFor(() => c.bytes() > 20_000, 20000, 'live bytes');
      expect(existsSync(path.join(t.dir, 'recordings'))).toBe(false);
      expect(await journal(s, 'recording.segment')).toEqual([]);
      c.ws.close();
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 40000);

  test('over quota the recording stops, journaled, while the tile keeps playing; stopping early seals the segment; the purge destroys it after its retention', async () => {
    const t = tmpDir('csu-rec-quota-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const g = await s.grants.request({ ...base, cameraIds: [CAM], record }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      const [stream] = await s.grants.openStreams(g.grant.id, OP101);
      const c = await connectStream(stream!.url, ORIGIN);
      await until(async () => (await journal(s, 'recording.segment')).length >= 1, 30000, 'a segment');
      settingsOf.get(s)!.update({ recording: { quotaGb: 1e-6 } });
      await until(async () => (await journal(s, 'recording.stopped')).length === 1, 15000, 'recording stopped');
      expect((await journal(s, 'recording.stopped'))[0].payload).toEqual({ grantId: g.grant.id, reason: 'quota' });
      const n = (await journal(s, 'recording.segment')).length;
      const before = c.bytes();
      await waitFor(() => c.bytes() > before + 20_000, 10000, 'the tile keeps playing');
      await new Promise((r) => setTimeout(r, 2500));
      expect((await journal(s, 'recording.segment')).length).toBe(n);
      expect(readdirSync(path.join(t.dir, 'recordings', g.grant.id, CAM)).filter((f) => f.endsWith('.part'))).toEqual([]);
      await s.grants.stop(g.grant.id, OP101);

      // Seven days of retention: on day 6 everything stays, past day 7 everything goes, journaled.
      clock.advance(6 * DAY);
      await s.purgeRecordings();
      expect(await journal(s, 'recording.purged')).toEqual([]);
      clock.advance(1 * DAY + MIN);
      await s.purgeRecordings();
      const [purged] = await journal(s, 'recording.purged');
      expect(purged.payload.segments).toBe(n);
      expect(purged.payload.grants[0]).toMatchObject({ grantId: g.grant.id, retentionDays: 7, segments: n });
      expect(existsSync(path.join(t.dir, 'recordings', g.grant.id))).toBe(false);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('a segment a crash left open is re-sealed and journaled as interrupted at the next start', async () => {
    const t = tmpDir('csu-rec-crash-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    const grantId = '11111111-2222-4333-8444-555555555555';
    const start = clock.now() - 30000;
    try {
      const key = s.recorder.recordingKey();
      const ts = Buffer.alloc(188 * 50, 0);
      for (let i = 0; i < 50; i++) ts[i * 188] = 0x47;
      const w = new SegmentWriter(s.recorder.store.partPath(grantId, CAM, start), key, aadOf(grantId, CAM, start));
      w.write(ts);
      w.abandon();
      utimesSync(w.partPath, new Date(start + 20000), new Date(start + 20000));
      await s.close();
      s = await boot(t.dir, clock);
      const [e] = await journal(s, 'recording.segment');
      expect(e.payload).toMatchObject({ grantId, cameraId: CAM, start, end: start + 20000, bytes: ts.length, interrupted: true, sha256: sha(ts) });
      const stored = readFileSync(path.join(t.dir, 'recordings', e.payload.file));
      expect(decryptSegment(stored, key, aadOf(grantId, CAM, start))).toEqual(ts);
      expect(existsSync(w.partPath)).toBe(false);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 40000);
});
