import { learnTables, readPacket, startsKeyframe, TS_PACKET, type TsState } from './ts';

export interface Piece {
  data: Buffer;
  /** The piece starts with a keyframe: a client may begin here. */
  keyframe: boolean;
}

/**
 * Splits aligned TS at keyframes and keeps everything since the last one, so a new client gets
 * a decodable picture at once. Bounded: past `maxBytes` without a keyframe the cache is dropped
 * and new clients wait for the next keyframe.
 */
export class GopCache {
  readonly ts: TsState = {};
  private pieces: Piece[] = [];
  private bytes = 0;

  constructor(private readonly maxBytes = 8 * 1024 * 1024) {}

  /** Feeds aligned packets; returns them cut into pieces, each new keyframe starting its own piece. */
  push(aligned: Buffer): Piece[] {
    const out: Piece[] = [];
    let start = 0;
    let startIsKey = false;
    for (let off = 0; off < aligned.length; off += TS_PACKET) {
      // Hot path: most packets are mid-PES video; only packets that start a unit need a parse.
      if ((aligned[off + 1]! & 0x40) === 0) continue;
      const info = readPacket(aligned, off);
      if (info.pid === 0 || info.pid === this.ts.pmtPid) learnTables(aligned.subarray(off, off + TS_PACKET), info, this.ts);
      if (startsKeyframe(info, this.ts)) {
        if (off > start) out.push({ data: aligned.subarray(start, off), keyframe: startIsKey });
        start = off;
        startIsKey = true;
      }
    }
    if (start < aligned.length) out.push({ data: aligned.subarray(start), keyframe: startIsKey });
    for (const p of out) this.remember(p);
    return out;
  }

  private remember(p: Piece): void {
    if (p.keyframe) {
      this.pieces = [];
      this.bytes = 0;
    } else if (this.pieces.length === 0) {
      return; // nothing decodable to extend
    }
    this.pieces.push(p);
    this.bytes += p.data.length;
    if (this.bytes > this.maxBytes) {
      this.pieces = [];
      this.bytes = 0;
    }
  }

  /** What a joining client receives first: tables, then the stream from the last keyframe. */
  joinData(): Buffer | undefined {
    if (this.pieces.length === 0 || !this.ts.pat || !this.ts.pmt) return undefined;
    return Buffer.concat([this.ts.pat, this.ts.pmt, ...this.pieces.map((p) => p.data)]);
  }

  /** Tables to put before a keyframe piece for a client that was skipping. */
  tables(): Buffer[] {
    return this.ts.pat && this.ts.pmt ? [this.ts.pat, this.ts.pmt] : [];
  }

  get cachedBytes(): number {
    return this.bytes;
  }

  reset(): void {
    this.pieces = [];
    this.bytes = 0;
  }
}
