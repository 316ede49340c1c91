/**
 * Evidence bundle (issue G3): a zip anyone can check offline with `csu-verify`. It holds
 *   journal.jsonl   the entries of the period, in order, each with its hash, preceded by the entry
 *                   just before (the link to the rest of the chain)
 *   resume.txt      what the bundle covers, in French
 *   rapport.pdf     the registry report of the days the period covers (G1's model), where given
 *   signatures.json where the console signs (G6): its public key, its signatures of the batches it
 *                   sent whose last entry is in the extract, and its signature of the extract's last
 *                   entry made at export (which vouches for every entry before it, through the chain)
 *   manifest.json   the SHA-256 and size of every other file, the console, the period, who exported
 *   enregistrements/*.mp4  the period's recordings (where a convention allowed recording), remuxed
 *                   by copy from their decrypted segments; `recordings` in the manifest names the
 *                   `recording.segment` entries each was made from, which the extract carries
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { ZipFile } from 'yazl';
import type { JournalEntry } from '../../db/journal-codec';
import { batchSignaturesBetween, type BatchSignature } from '../../db/mirror-state';
import { entriesBetween, seqRangeOfPeriod } from '../../db/review';
import type { TimelineView } from '../../preload/review';
import type { ManifestRecording } from './recordings-export';

export const MANIFEST = 'manifest.json';
export const JOURNAL = 'journal.jsonl';
export const SUMMARY = 'resume.txt';
export const SIGNATURES = 'signatures.json';

/** What signatures.json holds. */
export interface SignaturesFile {
  format: 'csu-signatures';
  version: 1;
  consoleId: string;
  /** Ed25519, SPKI PEM. */
  publicKey: string;
  /** Signatures made when the batches were sent (the server holds the same). */
  batches: BatchSignature[];
  /** Made at export, over the extract's last entry; absent when the extract is empty. */
  export?: BatchSignature;
}

/** The console's key, where it has one (the mirror makes it): its public half and a signer. */
export interface BundleSigning {
  publicKeyPem: string;
  sign(seq: number, hash: string): string;
}

export interface Manifest {
  format: 'csu-evidence';
  version: 1;
  consoleId: string;
  period: { from: number; to: number };
  cameraIds: string[];
  exportedAt: number;
  exportedBy: string;
  /** The journal's seq range in the extract: `anchor` is the entry before the period (0: the journal's start). */
  journal: { anchorSeq: number; firstSeq: number; lastSeq: number; entries: number };
  files: { name: string; sha256: string; bytes: number }[];
  /** Each exported recording: its MP4 and the journal entries of the segments it was made from (or left out). */
  recordings?: ManifestRecording[];
}

function sha256OfFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function writeEvidenceBundle(
  db: Knex,
  o: {
    consoleId: string;
    from: number;
    to: number;
    cameraIds: string[];
    actor: string;
    now: number;
    dir: string;
    summary: (timeline: { entries: number }) => string;
    extra?: { name: string; data: Buffer }[];
    /** Large files (MP4) streamed from disk into the zip. */
    onDisk?: { name: string; path: string }[];
    recordings?: ManifestRecording[];
    /** The extract reaches at least this entry (a recording's last segment may be sealed after the period). */
    lastSeqAtLeast?: number;
    signing?: BundleSigning | undefined;
  },
): Promise<{ file: string; bytes: number; sha256: string; entries: number; files: number }> {
  const period = await seqRangeOfPeriod(db, o.consoleId, o.from, o.to);
  const reach = o.lastSeqAtLeast ?? 0;
  const range = period ? { first: period.first, last: Math.max(period.last, reach) } : reach > 0 ? { first: reach, last: reach } : undefined;
  const anchorSeq = range ? Math.max(0, range.first - 1) : 0;
  const lines: string[] = [];
  let last: JournalEntry | undefined;
  if (range) {
    for await (const e of entriesBetween(db, o.consoleId, Math.max(1, anchorSeq), range.last)) {
      lines.push(JSON.stringify(wire(e)));
      last = e;
    }
  }
  const journal = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  const entries = range ? range.last - range.first + 1 : 0;
  const summary = o.summary({ entries });
  const files = [
    { name: JOURNAL, data: Buffer.from(journal, 'utf8') },
    { name: SUMMARY, data: Buffer.from(summary, 'utf8') },
    ...(o.extra ?? []),
    ...(o.signing ? [{ name: SIGNATURES, data: Buffer.from(`${JSON.stringify(await signaturesOf(db, o.consoleId, o.signing, range ? Math.max(1, anchorSeq) : 0, last), null, 2)}\n`, 'utf8') }] : []),
  ];
  const manifest: Manifest = {
    format: 'csu-evidence',
    version: 1,
    consoleId: o.consoleId,
    period: { from: o.from, to: o.to },
    cameraIds: o.cameraIds,
    exportedAt: o.now,
    exportedBy: o.actor,
    journal: { anchorSeq, firstSeq: range?.first ?? 0, lastSeq: range?.last ?? 0, entries },
    files: [...files.map((f) => ({ name: f.name, sha256: sha256(f.data), bytes: f.data.length })), ...(await Promise.all((o.onDisk ?? []).map(async (f) => ({ name: f.name, sha256: await sha256OfFile(f.path), bytes: statSync(f.path).size }))))],
    ...(o.recordings && o.recordings.length > 0 ? { recordings: o.recordings } : {}),
  };
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const stamp = new Date(o.now).toISOString().replace(/[:.]/g, '-');
  const file = path.join(o.dir, `preuves-${o.consoleId}-${stamp}.zip`);
  const zip = new ZipFile();
  for (const f of files) zip.addBuffer(f.data, f.name, { mtime: new Date(o.now) });
  // Already compressed video: stored, not deflated again (faster, and the same size).
  for (const f of o.onDisk ?? []) zip.addFile(f.path, f.name, { mtime: new Date(o.now), compress: false });
  zip.addBuffer(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), MANIFEST, { mtime: new Date(o.now) });
  zip.end();
  // Written beside, then renamed: a half-written bundle never carries the final name.
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(`${file}.part`, { mode: 0o600 });
    zip.outputStream.pipe(out).on('close', resolve).on('error', reject);
  });
  renameSync(`${file}.part`, file);
  return { file, bytes: statSync(file).size, sha256: await sha256OfFile(file), entries, files: files.length + (o.onDisk?.length ?? 0) + 1 };
}

async function signaturesOf(db: Knex, consoleId: string, signing: BundleSigning, fromSeq: number, last: JournalEntry | undefined): Promise<SignaturesFile> {
  return {
    format: 'csu-signatures',
    version: 1,
    consoleId,
    publicKey: signing.publicKeyPem,
    batches: last ? await batchSignaturesBetween(db, consoleId, fromSeq, last.seq) : [],
    ...(last ? { export: { seq: last.seq, hash: last.hash, signature: signing.sign(last.seq, last.hash) } } : {}),
  };
}

/** An entry as the bundle carries it: exactly the fields the chain hashes, nothing added. */
function wire(e: JournalEntry): JournalEntry {
  return { seq: e.seq, uuid: e.uuid, console_id: e.console_id, ts: e.ts, kind: e.kind, actor: e.actor, payload: e.payload, prev_hash: e.prev_hash, hash: e.hash };
}

export type { TimelineView };
