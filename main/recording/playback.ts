/**
 * Playing a recording back in the review (issue G3). What the journal says was recorded is
 * checked against the disk, segment by segment: a file gone is « enregistrement manquant »
 * (or « détruit » after a purge), a file whose SHA-256 no longer matches its journal entry is
 * « enregistrement altéré »; neither stops the rest from playing.
 *
 * A playback is a window of at most PLAY_WINDOW_MS from a chosen instant, decrypted in main and
 * sent once, as MPEG-TS, over a one-time WebSocket on the loopback relay. The renderer plays it
 * with mpegts.js as a VOD (everything buffered, so seeking and ×2/×4 are the video element's own,
 * with no second request): the token is spent by the first connection, and the window bounds what
 * sits in the browser's media buffer.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SegmentEntry } from '../../db/recordings';
import { aadOf, decryptSegment } from './segment-file';

export const PLAY_WINDOW_MS = 10 * 60000;

export type SpanStatus = 'ok' | 'missing' | 'altered' | 'purged';

export interface CheckedSegment extends SegmentEntry {
  status: SpanStatus;
  path: string;
}

/**
 * Each journaled segment against its file: present, and the same bytes the journal hashed.
 * `hashStored: false` checks presence and size only, for a caller that decrypts next (GCM and the
 * plaintext's SHA-256 then catch any changed byte, without a third read of the file).
 */
export async function checkSegments(root: string, entries: SegmentEntry[], purged: boolean, hashStored = true): Promise<CheckedSegment[]> {
  const out: CheckedSegment[] = [];
  // One file at a time, read off the event loop: a twelve-hour recording is hundreds of files.
  for (const e of entries) out.push(await checkOne(root, e, purged, hashStored));
  return out;
}

async function checkOne(root: string, e: SegmentEntry, purged: boolean, hashStored: boolean): Promise<CheckedSegment> {
  const file = path.join(root, ...e.file.split('/'));
  // A journaled name outside the recordings folder is not ours to read.
  if (!file.startsWith(root + path.sep)) return { ...e, path: file, status: 'altered' as const };
  if (!existsSync(file)) return { ...e, path: file, status: purged ? ('purged' as const) : ('missing' as const) };
  if (!hashStored) return { ...e, path: file, status: statSync(file).size === e.storedBytes ? ('ok' as const) : ('altered' as const) };
  const stored = await readFile(file);
  const ok = stored.length === e.storedBytes && createHash('sha256').update(stored).digest('hex') === e.storedSha256;
  return { ...e, path: file, status: ok ? ('ok' as const) : ('altered' as const) };
}

/** Adjacent segments of the same status as one span (what the review draws). */
export function spansOf(segs: CheckedSegment[]): { start: number; end: number; status: SpanStatus }[] {
  const out: { start: number; end: number; status: SpanStatus }[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (last && last.status === s.status && s.start - last.end < 5000) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end, status: s.status });
  }
  return out;
}

/** The segments a window plays: those that overlap it and check out. */
export function windowOf(segs: CheckedSegment[], from: number): { from: number; to: number; play: CheckedSegment[] } {
  const first = segs.find((s) => s.end > from) ?? segs[segs.length - 1];
  const start = first ? Math.max(from, first.start) : from;
  const to = start + PLAY_WINDOW_MS;
  const play = segs.filter((s) => s.status === 'ok' && s.end > start && s.start < to);
  return { from: play[0]?.start ?? start, to: Math.min(to, play[play.length - 1]?.end ?? to), play };
}

/**
 * Decrypts the window's segments one after the other and hands each on; a segment that no longer
 * authenticates (changed since it was checked) is skipped, never sent.
 */
export async function sendWindow(play: CheckedSegment[], key: Buffer, send: (ts: Buffer) => Promise<void>, log: (m: string) => void): Promise<void> {
  for (const s of play) {
    let plain: Buffer;
    try {
      plain = decryptSegment(await readFile(s.path), key, aadOf(s.grantId, s.cameraId, s.start));
    } catch (err) {
      log(`playback: segment ${s.file} skipped: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (createHash('sha256').update(plain).digest('hex') !== s.sha256) {
      log(`playback: segment ${s.file} skipped: its content differs from the journal`);
      continue;
    }
    await send(plain);
  }
}
