import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OffsetClock } from '../../main/clock';
import { createServices, type Services } from '../../main/services';
import { openConfSettings } from '../../main/settings/conf-store';
import { upsertCamera } from '../../db/catalogue';
import { aadOf, decryptSegment, SegmentWriter } from '../../main/recording/segment-file';
import { Recorder, RECORDING_KEY_SECRET } from '../../main/recording/recorder';
import { RelayHub } from '../../main/relay/hub';
import { freshDb } from '../helpers/db';
import { fileSecretStore } from '../../main/secrets';
import { startRtspSim, type RtspSim } from '../helpers/rtsp-sim';
import { countDecodedFrames } from '../helpers/decode';
import { repoRoot, tmpDir } from '../helpers/tmp';
import { connectStream, waitFor } from '../helpers/ws-client';
import type { SettingsStore } from '../../main/settings/store';
import { spawnSync } from 'node:child_process';
import { createDispatcher } from '../../main/transport/dispatch';
import { verifyBundle } from '../../main/review/verify';
import { FFMPEG } from '../helpers/decode';
import { runVerifier, unzip, zipOf } from '../helpers/evidence';

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
      const pushed: unknown[] = [];
      s.events.subscribe((event, payload) => event === 'recording.stopped' && pushed.push(payload));
      const [stream] = await s.grants.openStreams(g.grant.id, OP101);
      const c = await connectStream(stream!.url, ORIGIN);
      await until(async () => (await journal(s, 'recording.segment')).length >= 1, 30000, 'a segment');
      expect(s.grants.get(g.grant.id)!.recordingStopped).toBeUndefined();
      settingsOf.get(s)!.update({ recording: { quotaGb: 1e-6 } });
      await until(async () => (await journal(s, 'recording.stopped')).length === 1, 15000, 'recording stopped');
      expect((await journal(s, 'recording.stopped'))[0].payload).toEqual({ grantId: g.grant.id, reason: 'quota' });
      // The tiles hear it at once; a reloaded page reads it from the grant (wall.get, grants.list).
      expect(pushed).toEqual([{ grantId: g.grant.id, reason: 'quota' }]);
      expect(s.grants.get(g.grant.id)!.recordingStopped).toBe('quota');
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

  test('evidence: the recording as an MP4 by copy, proven by its journaled segments; a flipped segment byte is named by the review and the export; a flipped MP4 byte by the verifier', async () => {
    const t = tmpDir('csu-rec-export-');
    const clock = new OffsetClock();
    const s = await boot(t.dir, clock);
    try {
      const from = clock.now() - MIN;
      const g = await s.grants.request({ ...base, cameraIds: [CAM], record }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      await until(async () => (await journal(s, 'recording.segment')).length >= 4, 30000, 'four segments');
      await s.grants.stop(g.grant.id, OP101);
      await s.session.logout();
      await s.session.login('SUP201', 'demo-superviseur');
      const dispatch = createDispatcher(s.handlers, silent, () => s.session.operator);
      const call = async (ch: string, args: unknown): Promise<any> => {
        const r = await dispatch(ch, args, { transport: 'ws' });
        if (!r.ok) throw new Error(JSON.stringify(r.error));
        return r.value;
      };
      const period = { from, to: clock.now() + MIN };
      const tl = await call('review.timeline', period);
      expect(tl.lanes.find((l: any) => l.cameraId === CAM).bars[0]).toMatchObject({ grantId: g.grant.id, recorded: true });
      expect((await call('review.recording', { grantId: g.grant.id, cameraId: CAM })).spans).toEqual([expect.objectContaining({ status: 'ok' })]);

      const ev = await call('review.exportEvidence', period);
      expect(ev).toMatchObject({ recordings: 1, recordingProblems: 0 });
      const v = await verifyBundle(ev.path);
      expect(v).toMatchObject({ ok: true, problems: [], recordings: { files: 1, excluded: 0 } });
      const segs = await journal(s, 'recording.segment');
      expect(v.recordings!.segments).toBe(segs.length);
      const files = await unzip(ev.path);
      const mp4Name = [...files.keys()].find((n) => n.endsWith('.mp4'))!;
      expect(mp4Name).toMatch(new RegExp(`^enregistrements/${CAM}_`));
      const mp4 = files.get(mp4Name)!;
      // faststart: the index (moov) comes before the pictures (mdat).
      expect(mp4.indexOf('moov')).toBeGreaterThan(0);
      expect(mp4.indexOf('moov')).toBeLessThan(mp4.indexOf('mdat'));
      const mp4File = path.join(t.dir, 'out.mp4');
      writeFileSync(mp4File, mp4);
      // Copy, not transcode: the same H.264 the camera sent, every frame decodable.
      const probe = spawnSync(FFMPEG, ['-hide_banner', '-i', mp4File, '-map', '0:v:0', '-f', 'framemd5', '-'], { encoding: 'utf8' });
      expect(probe.stderr).toMatch(/Video: h264/);
      expect(probe.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length).toBeGreaterThan(30);
      const manifest = JSON.parse(files.get('manifest.json')!.toString());
      expect(manifest.files.find((f: any) => f.name === mp4Name).sha256).toBe(sha(mp4));
      expect(manifest.recordings[0].segments.map((x: any) => x.seq)).toEqual(segs.map((e) => e.seq));
      const cli = await runVerifier([ev.path]);
      expect(cli.code).toBe(0);
      expect(cli.out).toContain('Enregistrements : 1 fichier(s) MP4 conformes au manifeste');
      expect(cli.out).toContain('ne peut pas refaire un MP4');

      // One byte of the MP4 flipped in the bundle: the verifier names exactly that file.
      const flipped = Buffer.from(mp4);
      const mid = Math.floor(flipped.length / 2);
      flipped[mid] = flipped[mid]! ^ 0x01;
      const bad = await zipOf(new Map(files).set(mp4Name, flipped), path.join(t.dir, 'bad.zip'));
      expect((await verifyBundle(bad)).problems).toEqual([{ code: 'file_altered', file: mp4Name }]);
      // A segment entry the manifest claims but the extract does not hold.
      const m2 = JSON.parse(files.get('manifest.json')!.toString());
      m2.recordings[0].segments[0].sha256 = '0'.repeat(64);
      const forged = await zipOf(new Map(files).set('manifest.json', Buffer.from(JSON.stringify(m2))), path.join(t.dir, 'forged.zip'));
      expect((await verifyBundle(forged)).problems).toEqual([{ code: 'recording_entry_mismatch', file: mp4Name, seq: segs[0].seq }]);

      // One byte of a stored segment flipped on disk: the review says altered, the export leaves it out and says so.
      const victim = path.join(t.dir, 'recordings', segs[1].payload.file);
      const data = readFileSync(victim);
      data[data.length - 40] = data[data.length - 40]! ^ 0x01;
      writeFileSync(victim, data);
      const spans = (await call('review.recording', { grantId: g.grant.id, cameraId: CAM })).spans;
      expect(spans.map((x: any) => x.status)).toEqual(['ok', 'altered', 'ok']);
      const ev2 = await call('review.exportEvidence', period);
      expect(ev2).toMatchObject({ recordings: 1, recordingProblems: 1 });
      const files2 = await unzip(ev2.path);
      expect(files2.get('resume.txt')!.toString()).toContain(`Enregistrement altéré, non exporté : caméra ${CAM}, segment de l'entrée n° ${segs[1].seq}`);
      const v2 = await verifyBundle(ev2.path);
      expect(v2).toMatchObject({ ok: true, recordings: { files: 1, excluded: 1 } });
      expect(JSON.parse(files2.get('manifest.json')!.toString()).recordings[0].excluded).toEqual([expect.objectContaining({ seq: segs[1].seq, status: 'altered' })]);
      expect((await runVerifier([ev2.path])).out).toContain('Segments d\'enregistrement non exportés (manquants, altérés ou détruits), déclarés au manifeste : 1.');
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 90000);

  test('quitting the application seals and journals the segment in progress before the end; a restart verifies the journal and leaves nothing open', async () => {
    const t = tmpDir('csu-rec-quit-');
    const clock = new OffsetClock();
    let s = await boot(t.dir, clock);
    try {
      const g = await s.grants.request({ ...base, cameraIds: [CAM], record }, 'OP101');
      if (!g.accepted) throw new Error('refused');
      const camDir = path.join(t.dir, 'recordings', g.grant.id, CAM);
      const part = () => (existsSync(camDir) ? readdirSync(camDir).find((f) => f.endsWith('.part')) : undefined);
      await until(async () => !!part(), 20000, 'a segment in progress');
      const inProgress = Number(part()!.replace('.part', ''));
      await s.close();
      s = await boot(t.dir, clock);
      const segs = await journal(s, 'recording.segment');
      const seg = segs.find((e) => e.payload.start >= inProgress)!;
      const [ended] = await journal(s, 'transmission.ended');
      // The segment open at quit time was sealed by the quit itself, not recovered at the restart.
      expect(seg.payload).toMatchObject({ grantId: g.grant.id, cameraId: CAM });
      expect(segs.some((e) => e.payload.interrupted)).toBe(false);
      expect(ended.payload.reason).toBe('application_stopped');
      expect(seg.seq).toBeLessThan(ended.seq);
      expect(readdirSync(path.join(t.dir, 'recordings', g.grant.id, CAM)).filter((f) => f.endsWith('.part'))).toEqual([]);
      // The registry view built from entries that carry `record` still matches the journal.
      expect(s.integrity.status().state).toBe('ok');
      expect(s.grants.list()).toEqual([]);
    } finally {
      await s.close();
      t.cleanup();
    }
  }, 60000);

  test('below 10 % free disk a recording does not start: journaled with its reason, the grant goes on', async () => {
    const d = await freshDb();
    const hub = new RelayHub({ ffmpegPath: 'ffmpeg-not-needed', log: silent, allowedOrigins: () => [], fontFile: path.join(repoRoot, 'assets/fonts/DejaVuSans-Bold.ttf') });
    try {
      const rec = new Recorder({ db: d.db, consoleId: 'c1', clock: new OffsetClock(), log: silent, relay: hub, dataDir: d.dir, secrets: fileSecretStore(d.dir), quotaBytes: () => 1e12, freeRatio: () => 0.09 });
      const grantId = '22222222-3333-4444-8555-666666666666';
      await rec.start({ id: grantId, siteId: 'tripode', startsAt: 0, endsAt: 7200000, cameras: [{ id: CAM, label: 'Hall' }] }, 7, () => ({ main: 'rtsp://127.0.0.1:1/x' }));
      expect(rec.isRecording(grantId)).toBe(false);
      const rows = await d.db('journal').where({ kind: 'recording.stopped' });
      expect(JSON.parse(rows[0].payload)).toEqual({ grantId, reason: 'disk_low' });
      expect(existsSync(path.join(d.dir, 'recordings'))).toBe(false);
    } finally {
      await hub.close();
      await d.cleanup();
    }
  });
});
