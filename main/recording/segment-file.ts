/**
 * One recording segment at rest (issue G3): about a minute of one camera's MPEG-TS, exactly as the
 * relay remuxed it (no transcoding), encrypted with AES-256-GCM under the console's recording key.
 *
 * File layout (`<start>-<end>.seg`; `<start>.part` while being written):
 *   bytes 0..7    magic "CSUSEG1\n"
 *   bytes 8..19   the segment's IV: 12 random bytes, never reused with the key
 *   bytes 20..n-17  ciphertext (same length as the TS plaintext)
 *   last 16 bytes  GCM tag (absent from a `.part` a crash left)
 * The additional authenticated data is `<grantId>/<cameraId>/<start>`, taken from the path: a
 * segment moved to another grant, camera or instant no longer authenticates.
 *
 * The writer streams (a real camera writes megabytes a minute, four at a time): at most
 * WRITE_BATCH bytes wait in memory (a write per relay hand-on would cost a system call every
 * tenth of a second per camera; a crash loses at most that batch), and it hashes both the
 * plaintext and the bytes it stores; see db/journal-kinds.ts (`recording.segment`) for why both.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, type CipherGCM, type Hash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export const MAGIC = Buffer.from('CSUSEG1\n', 'latin1');
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const HEADER_BYTES = MAGIC.length + IV_BYTES;
export const WRITE_BATCH = 64 * 1024;

export function aadOf(grantId: string, cameraId: string, start: number): Buffer {
  return Buffer.from(`${grantId}/${cameraId}/${start}`, 'utf8');
}

export interface SegmentFacts {
  /** Plaintext (TS) bytes. */
  bytes: number;
  /** Bytes stored (header + ciphertext + tag). */
  storedBytes: number;
  sha256Plain: string;
  sha256Stored: string;
}

/** Writes one segment, streaming: open, write TS as it comes, finish (tag, fsync, rename). */
export class SegmentWriter {
  private readonly fd: number;
  private readonly cipher: CipherGCM;
  private readonly plainHash: Hash = createHash('sha256');
  private readonly storedHash: Hash = createHash('sha256');
  private plainBytes = 0;
  private storedBytes = 0;
  private closed = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly partPath: string,
    key: Buffer,
    aad: Buffer,
  ) {
    const iv = randomBytes(IV_BYTES);
    this.cipher = createCipheriv('aes-256-gcm', key, iv);
    this.cipher.setAAD(aad);
    this.fd = openSync(partPath, 'wx', 0o600);
    this.put(Buffer.concat([MAGIC, iv]));
  }

  private put(b: Buffer): void {
    if (b.length === 0) return;
    this.storedHash.update(b);
    this.storedBytes += b.length;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= WRITE_BATCH) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    writeSync(this.fd, data);
  }

  write(plain: Buffer): void {
    if (this.closed) throw new Error('segment already finished');
    this.plainHash.update(plain);
    this.plainBytes += plain.length;
    this.put(this.cipher.update(plain));
  }

  get bytes(): number {
    return this.plainBytes;
  }

  /** Seals the segment under its final name; returns what the journal records of it. */
  finish(finalPath: string): SegmentFacts {
    if (this.closed) throw new Error('segment already finished');
    this.closed = true;
    this.put(this.cipher.final());
    this.put(this.cipher.getAuthTag());
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.partPath, finalPath);
    return { bytes: this.plainBytes, storedBytes: this.storedBytes, sha256Plain: this.plainHash.digest('hex'), sha256Stored: this.storedHash.digest('hex') };
  }

  /** Gives up without sealing (the caller removes or recovers the `.part`). */
  abandon(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

export class SegmentAuthError extends Error {}

/** Decrypts a sealed segment; throws SegmentAuthError when a byte, the place or the key does not match. */
export function decryptSegment(stored: Buffer, key: Buffer, aad: Buffer): Buffer {
  if (stored.length < HEADER_BYTES + TAG_BYTES || !stored.subarray(0, MAGIC.length).equals(MAGIC)) throw new SegmentAuthError('not a sealed segment');
  const iv = stored.subarray(MAGIC.length, HEADER_BYTES);
  const tag = stored.subarray(stored.length - TAG_BYTES);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(aad);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(stored.subarray(HEADER_BYTES, stored.length - TAG_BYTES)), d.final()]);
  } catch {
    throw new SegmentAuthError('segment does not authenticate');
  }
}

/**
 * The plaintext of a `.part` a crash left (no tag yet). GCM is a counter mode: the ciphertext
 * decrypts without the tag, but nothing authenticates it, so the recorder re-seals it at once as
 * an « interrupted » segment and journals it (never silently dropped). Cut to whole TS packets.
 */
export function readUnsealedPart(file: string, key: Buffer): Buffer {
  const stored = readFileSync(file);
  if (stored.length <= HEADER_BYTES || !stored.subarray(0, MAGIC.length).equals(MAGIC)) return Buffer.alloc(0);
  const iv = stored.subarray(MAGIC.length, HEADER_BYTES);
  const d = createDecipheriv('aes-256-gcm', key, iv);
  const plain = d.update(stored.subarray(HEADER_BYTES));
  return plain.subarray(0, plain.length - (plain.length % 188));
}

export function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
