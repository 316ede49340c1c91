/**
 * Recording (issue G3), only where the site's convention allows it and the request asked for it
 * with a reason. The relay feeds each recorded camera's TS to a CameraRecorder whether or not a
 * tile watches; the grant's end closes them like its sockets (relay.closeGrant), so recording
 * stops with the grant whatever happens: expiry, early stop, application stop. A `.part` a crash
 * left is re-sealed and journaled as interrupted at the next start, never dropped.
 *
 * Disk: below 10 % free on the recordings' disk, or over `recording.quotaGb`, every recording
 * stops with a French notice and a `recording.stopped` entry; the live view goes on.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { appendEntry } from '../../db/journal';
import type { RECORDING_STOP_REASONS } from '../../preload/contract';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import type { RelayHub } from '../relay/hub';
import type { SecretStore } from '../secrets';
import { CameraRecorder, type SealedSegment } from './camera-recorder';
import { aadOf, readUnsealedPart, SegmentWriter } from './segment-file';
import { MAX_RETENTION_DAYS, RecordingStore } from './store';

export const RECORDING_KEY_SECRET = 'recording-key';
/** Below this share of free space on the recordings' disk, recording stops (the issue's 10 %). */
export const MIN_FREE_RATIO = 0.1;
export const DISK_CHECK_MS = 5000;

export type StopReason = (typeof RECORDING_STOP_REASONS)[number];

export interface RecordedGrant {
  id: string;
  siteId: string;
  startsAt: number;
  endsAt: number;
  cameras: { id: string; label: string }[];
}

export interface RecorderOptions {
  db: Knex;
  consoleId: string;
  clock: Clock;
  log: Logger;
  relay: RelayHub;
  dataDir: string;
  secrets: SecretStore;
  events?: EventBus;
  /** `recording.quotaGb` from the settings, read at each check (an edit applies without a restart). */
  quotaBytes: () => number;
  segmentMs?: number;
  /** The disk's free share; statfs by default (tests give their own). */
  freeRatio?: (dir: string) => number;
}

function statfsFreeRatio(dir: string): number {
  const s = statfsSync(dir);
  return s.blocks > 0 ? s.bavail / s.blocks : 1;
}

export class Recorder {
  readonly store: RecordingStore;
  private key: Buffer | undefined;
  /** Recorded grants now running, with the bytes of their segments in progress. */
  private readonly active = new Map<string, { pending: number }>();
  private usedBytes: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: RecorderOptions) {
    this.store = new RecordingStore(path.join(o.dataDir, 'recordings'));
  }

  /** The console's recording key: created on first use, kept in the secret store (safeStorage in Electron). */
  recordingKey(): Buffer {
    if (this.key) return this.key;
    const stored = this.o.secrets.get(RECORDING_KEY_SECRET);
    if (stored) this.key = Buffer.from(stored, 'base64');
    else {
      this.key = randomBytes(32);
      this.o.secrets.set(RECORDING_KEY_SECRET, this.key.toString('base64'));
    }
    if (this.key.length !== 32) throw new Error('the recording key is not 32 bytes');
    return this.key;
  }

  /** Bytes the recordings take on disk (walked once, then kept up to date). */
  private used(): number {
    if (this.usedBytes === undefined) {
      let n = 0;
      for (const g of this.store.grantIds()) for (const s of this.store.segments(g)) n += statSync(s.file).size;
      this.usedBytes = n;
    }
    return this.usedBytes;
  }

  /** Segments purged elsewhere (purge.ts) no longer count against the quota. */
  forget(bytes: number): void {
    if (this.usedBytes !== undefined) this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }

  isRecording(grantId: string): boolean {
    return this.active.has(grantId);
  }

  /** Why recording may not run now, if it may not. */
  private diskProblem(): StopReason | undefined {
    const pending = [...this.active.values()].reduce((n, a) => n + a.pending, 0);
    if (this.used() + pending > this.o.quotaBytes()) return 'quota';
    const ratio = (this.o.freeRatio ?? statfsFreeRatio)(this.o.dataDir);
    if (ratio < MIN_FREE_RATIO) return 'disk_low';
    return undefined;
  }

  /**
   * Starts recording a grant's cameras (their main stream). The disk is checked first: a full
   * disk refuses the recording, journaled, never the grant.
   */
  async start(grant: RecordedGrant, retentionDays: number, sourceOf: (cameraId: string) => { main: string; sub?: string | undefined } | undefined): Promise<void> {
    const problem = this.diskProblem();
    if (problem) return this.journalStop(grant.id, problem);
    this.store.writeMeta({ grantId: grant.id, siteId: grant.siteId, retentionDays: Math.min(MAX_RETENTION_DAYS, retentionDays), startsAt: grant.startsAt, endsAt: grant.endsAt });
    const state = { pending: 0 };
    this.active.set(grant.id, state);
    let open = 0;
    for (const c of grant.cameras) {
      const src = sourceOf(c.id);
      if (!src) continue;
      open++;
      const rec = new CameraRecorder({
        grantId: grant.id,
        cameraId: c.id,
        store: this.store,
        key: () => this.recordingKey(),
        now: () => this.o.clock.now(),
        ...(this.o.segmentMs !== undefined ? { segmentMs: this.o.segmentMs } : {}),
        progress: (d) => (state.pending += d),
        sealed: async (s) => {
          state.pending = Math.max(0, state.pending - s.bytes);
          this.usedBytes = this.used() + s.storedBytes;
          await this.journalSegment(s);
        },
        failed: (err) => {
          this.o.log.error('recording %s/%s: write failed: %s', grant.id, c.id, err.message);
          void this.stop(grant.id, 'write_failed', err.message.slice(0, 300));
        },
      });
      // The main stream: the full picture, even where the grid plays a smaller sub stream.
      this.o.relay.record(grant.id, { id: c.id, label: c.label, sourceUrl: src.main, lazy: !!src.sub }, rec);
    }
    if (open === 0) this.active.delete(grant.id);
    this.arm();
  }

  /** The grant ended (relay.closeGrant sealed its segments): nothing more to watch. */
  ended(grantId: string): void {
    this.active.delete(grantId);
    if (this.active.size === 0) clearInterval(this.timer);
  }

  /** Stops one grant's recording before its end (disk, quota, failure): its tiles keep playing. */
  async stop(grantId: string, reason: StopReason, detail?: string): Promise<void> {
    if (!this.active.delete(grantId)) return;
    await this.o.relay.stopRecording(grantId);
    await this.journalStop(grantId, reason, detail);
    if (this.active.size === 0) clearInterval(this.timer);
  }

  private async journalStop(grantId: string, reason: StopReason, detail?: string): Promise<void> {
    this.o.log.warn('recording %s stopped: %s', grantId, reason);
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'recording.stopped', actor: 'system', ts: this.o.clock.now(), payload: { grantId, reason, ...(detail ? { detail } : {}) } });
    this.o.events?.emit('app.notice', { level: 'warning', code: `RECORDING_STOPPED_${reason.toUpperCase()}` });
    // Which grant: its tiles say « Enr. arrêté » (the grant service keeps it for a reload).
    this.o.events?.emit('recording.stopped', { grantId, reason });
  }

  private async journalSegment(s: SealedSegment): Promise<void> {
    await appendEntry(this.o.db, this.o.consoleId, {
      kind: 'recording.segment',
      actor: 'system',
      ts: this.o.clock.now(),
      payload: { grantId: s.grantId, cameraId: s.cameraId, file: this.store.relative(s.file), start: s.start, end: s.end, bytes: s.bytes, storedBytes: s.storedBytes, sha256: s.sha256Plain, storedSha256: s.sha256Stored, ...(s.interrupted ? { interrupted: true } : {}) },
    });
  }

  private arm(): void {
    if (this.active.size === 0 || this.timer) return;
    this.timer = setInterval(() => void this.check(), DISK_CHECK_MS);
    this.timer.unref();
  }

  /** The disk and quota check while something records. */
  async check(): Promise<void> {
    if (this.active.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const problem = this.diskProblem();
    if (!problem) return;
    for (const id of [...this.active.keys()]) await this.stop(id, problem);
  }

  /**
   * At start, before any grant resumes: each `.part` a crash left is decrypted (GCM is a counter
   * mode: it reads without its tag), re-sealed under a new IV and journaled as interrupted; its end
   * is the file's last write. An empty one is removed.
   */
  async recoverLeftovers(): Promise<number> {
    let n = 0;
    for (const p of this.store.parts()) {
      const plain = readUnsealedPart(p.file, this.recordingKey());
      const end = Math.max(p.start + 1, Math.round(statSync(p.file).mtimeMs));
      rmSync(p.file, { force: true });
      if (plain.length === 0) continue;
      const w = new SegmentWriter(p.file, this.recordingKey(), aadOf(p.grantId, p.cameraId, p.start));
      w.write(plain);
      const file = this.store.segmentPath(p.grantId, p.cameraId, p.start, end);
      const facts = w.finish(file);
      await this.journalSegment({ grantId: p.grantId, cameraId: p.cameraId, file, start: p.start, end, ...facts, interrupted: true });
      n++;
    }
    if (n > 0) this.o.log.warn('recording: re-sealed %d segment(s) a crash left open', n);
    return n;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
