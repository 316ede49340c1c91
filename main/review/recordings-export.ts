/**
 * The recordings of an evidence bundle (issue G3): for each recorded transmission's camera that
 * overlaps the period, its segments are checked against the journal, decrypted in main and
 * remuxed by copy into one MP4 (`ffmpeg -c copy -movflags +faststart`: the pictures the camera
 * sent, no transcoding; the index first so any player starts at once). The manifest lists, for
 * each MP4, the `recording.segment` entries it was made from (seq, instants, SHA-256 of the TS)
 * and those left out (missing, altered, destroyed), which the bundle's journal extract carries.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { purgedGrants, segmentEntries } from '../../db/recordings';
import { checkSegments, type SpanStatus } from '../recording/playback';
import { aadOf, decryptSegment } from '../recording/segment-file';

export const RECORDINGS_DIR = 'enregistrements';

export interface ManifestRecording {
  /** The MP4 in the bundle; null when nothing of it could be exported (every segment missing or altered). */
  file: string | null;
  grantId: string;
  cameraId: string;
  segments: { seq: number; start: number; end: number; sha256: string }[];
  excluded: { seq: number; start: number; end: number; status: Exclude<SpanStatus, 'ok'> }[];
}

function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z');
}

/** TS in, MP4 out, by copy; resolves when ffmpeg has written and closed the file. */
function remux(ffmpegPath: string, out: string, feed: (write: (b: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegPath, ['-hide_banner', '-nostats', '-loglevel', 'error', '-f', 'mpegts', '-i', 'pipe:0', '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', '-y', out], { stdio: ['pipe', 'ignore', 'pipe'], windowsHide: true });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg remux failed (${code}): ${err.trim()}`))));
    p.stdin.on('error', () => undefined);
    const write = (b: Buffer) => new Promise<void>((res) => (p.stdin.write(b) ? res() : p.stdin.once('drain', () => res())));
    feed(write).then(
      () => p.stdin.end(),
      (e: unknown) => {
        p.kill('SIGKILL');
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function exportRecordings(o: {
  db: Knex;
  consoleId: string;
  root: string;
  key: () => Buffer;
  ffmpegPath: string;
  from: number;
  to: number;
  pairs: { grantId: string; cameraId: string }[];
  workDir: string;
}): Promise<{ files: { name: string; path: string }[]; recordings: ManifestRecording[]; lastSeq: number }> {
  const files: { name: string; path: string }[] = [];
  const recordings: ManifestRecording[] = [];
  let lastSeq = 0;
  mkdirSync(o.workDir, { recursive: true, mode: 0o700 });
  // Two at a time: one camera's decryption in main overlaps another's remux in ffmpeg (two cores here).
  const queue = [...o.pairs];
  const results: { rec: ManifestRecording; file?: { name: string; path: string }; lastSeq: number }[] = [];
  const worker = async () => {
    for (let pair = queue.shift(); pair; pair = queue.shift()) {
      const r = await exportOne(o, pair.grantId, pair.cameraId);
      if (r) results.push(r);
    }
  };
  await Promise.all([worker(), worker()]);
  results.sort((a, b) => a.rec.cameraId.localeCompare(b.rec.cameraId) || a.rec.grantId.localeCompare(b.rec.grantId));
  for (const r of results) {
    recordings.push(r.rec);
    if (r.file) files.push(r.file);
    lastSeq = Math.max(lastSeq, r.lastSeq);
  }
  return { files, recordings, lastSeq };
}

async function exportOne(o: Parameters<typeof exportRecordings>[0], grantId: string, cameraId: string): Promise<{ rec: ManifestRecording; file?: { name: string; path: string }; lastSeq: number } | undefined> {
  let lastSeq = 0;
  let file: { name: string; path: string } | undefined;
  const entries = (await segmentEntries(o.db, o.consoleId, grantId, cameraId)).filter((e) => e.end > o.from && e.start < o.to);
  if (entries.length === 0) return undefined;
  // Presence and size only: decrypting (GCM) and the plaintext's SHA-256 catch any changed byte.
  const checked = await checkSegments(o.root, entries, await purgedGrants(o.db, o.consoleId, grantId), false);
  const rec: ManifestRecording = { file: null, grantId, cameraId, segments: [], excluded: [] };
  const ok: typeof checked = [];
  for (const s of checked) {
    lastSeq = Math.max(lastSeq, s.seq);
    if (s.status === 'ok') ok.push(s);
    else rec.excluded.push({ seq: s.seq, start: s.start, end: s.end, status: s.status });
  }
  if (ok.length > 0) {
    const name = `${RECORDINGS_DIR}/${cameraId}_${stamp(ok[0]!.start)}_${grantId.slice(0, 8)}.mp4`;
    const out = path.join(o.workDir, path.basename(name));
    const done = remux(o.ffmpegPath, out, async (write) => {
      for (const s of ok) {
        let plain: Buffer;
        try {
          plain = decryptSegment(readFileSync(s.path), o.key(), aadOf(s.grantId, s.cameraId, s.start));
        } catch {
          plain = Buffer.alloc(0);
        }
        // Changed since it was checked, or not the journal's footage: left out, and said so.
        if (plain.length === 0 || createHash('sha256').update(plain).digest('hex') !== s.sha256) {
          rec.excluded.push({ seq: s.seq, start: s.start, end: s.end, status: 'altered' });
          continue;
        }
        rec.segments.push({ seq: s.seq, start: s.start, end: s.end, sha256: s.sha256 });
        await write(plain);
      }
    });
    // ffmpeg refuses an empty input: that is « nothing exported », not a failure of the export.
    await done.catch((err: unknown) => {
      if (rec.segments.length > 0) throw err;
    });
    if (rec.segments.length > 0) {
      rec.file = name;
      file = { name, path: out };
    }
  }
  rec.excluded.sort((a, b) => a.start - b.start);
  return { rec, ...(file ? { file } : {}), lastSeq };
}
