/**
 * One camera of one recorded grant: the relay hands it the TS it already remuxed, cut at
 * keyframes; it writes segments of about a minute, each starting on a keyframe with the PAT/PMT
 * before it (a segment decodes alone), seals each (segment-file.ts) and journals it.
 */
import { rmSync } from 'node:fs';
import type { Piece } from '../relay/gop-cache';
import type { RecordSink } from '../relay/hub';
import { aadOf, SegmentWriter, type SegmentFacts } from './segment-file';
import type { RecordingStore } from './store';

/** About one minute a segment: small enough to lose little in a crash, few enough files for a month. */
export const SEGMENT_MS = 60_000;

export interface SealedSegment extends SegmentFacts {
  grantId: string;
  cameraId: string;
  file: string;
  start: number;
  end: number;
  interrupted?: boolean;
}

export interface CameraRecorderOptions {
  grantId: string;
  cameraId: string;
  store: RecordingStore;
  key: () => Buffer;
  now: () => number;
  segmentMs?: number;
  /** Journals a sealed segment; the recorder waits for it before it says it is closed. */
  sealed: (s: SealedSegment) => Promise<void>;
  /** Writing failed (disk full, folder removed): the recording of this grant stops. */
  failed: (err: Error) => void;
  /** Bytes now in the segment being written (the quota counts them). */
  progress?: (deltaBytes: number) => void;
}

export class CameraRecorder implements RecordSink {
  private seg: { w: SegmentWriter; start: number } | undefined;
  private lastStart = 0;
  private journaled: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: CameraRecorderOptions) {}

  write(pieces: Piece[], tables: Buffer[]): void {
    if (this.closed) return;
    try {
      for (const p of pieces) {
        if (p.keyframe) {
          const now = this.o.now();
          if (this.seg && now - this.seg.start >= (this.o.segmentMs ?? SEGMENT_MS)) this.seal(now);
          if (!this.seg) this.open(now, tables);
        }
        // Nothing before the first keyframe: a segment starts where a player can.
        if (!this.seg) continue;
        this.seg.w.write(p.data);
        this.o.progress?.(p.data.length);
      }
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private open(now: number, tables: Buffer[]): void {
    // Two segments of one camera never share a start (their names and AAD hold it).
    const start = Math.max(now, this.lastStart + 1);
    this.lastStart = start;
    const part = this.o.store.partPath(this.o.grantId, this.o.cameraId, start);
    const w = new SegmentWriter(part, this.o.key(), aadOf(this.o.grantId, this.o.cameraId, start));
    this.seg = { w, start };
    for (const t of tables) w.write(t);
  }

  private seal(now: number): void {
    const seg = this.seg;
    if (!seg) return;
    this.seg = undefined;
    if (seg.w.bytes === 0) {
      seg.w.abandon();
      rmSync(seg.w.partPath, { force: true });
      return;
    }
    const end = Math.max(now, seg.start + 1);
    const file = this.o.store.segmentPath(this.o.grantId, this.o.cameraId, seg.start, end);
    const facts = seg.w.finish(file);
    const sealed: SealedSegment = { grantId: this.o.grantId, cameraId: this.o.cameraId, file, start: seg.start, end, ...facts };
    this.journaled = this.journaled.then(() => this.o.sealed(sealed));
  }

  private fail(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    const seg = this.seg;
    this.seg = undefined;
    // What was written stays as a `.part`: the next start re-seals and journals it as interrupted.
    seg?.w.abandon();
    this.o.failed(err);
  }

  restart(): void {
    if (this.closed) return;
    try {
      this.seal(this.o.now());
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      try {
        this.seal(this.o.now());
      } catch (err) {
        this.o.failed(err instanceof Error ? err : new Error(String(err)));
      }
    }
    await this.journaled;
  }
}
