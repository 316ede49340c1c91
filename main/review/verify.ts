/**
 * The offline verifier of an evidence bundle (issue G3): no database, no network. It checks the
 * manifest, every file's SHA-256 and size, and the journal extract — each entry's hash, each link
 * to the one before, the range the manifest announces — and names the first thing that does not
 * hold (a truncated zip, a swapped file, an edited line, a missing file).
 *
 * Recordings: each MP4's SHA-256 is checked like any file, and each segment the manifest says it
 * was made from must be a `recording.segment` entry of the chained extract with the same grant,
 * camera, instants and TS hash. That proves the MP4 is intact since the export and that its
 * footage was journaled when it was recorded; it cannot prove offline, without the console's key,
 * that the MP4 is the remux of those encrypted segments (the console checked that when exporting).
 */
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { z } from 'zod';
import { checkEntry } from '../../db/journal-codec';
import { JOURNAL, MANIFEST, SIGNATURES } from './bundle';
import { checkBundleSignatures, type SignatureProblemCode, type SignatureSummary } from './verify-signatures';

export type ProblemCode =
  | SignatureProblemCode
  | 'bundle_unreadable'
  | 'manifest_missing'
  | 'manifest_invalid'
  | 'file_missing'
  | 'file_altered'
  | 'file_unlisted'
  | 'journal_line_unreadable'
  | 'journal_entry_invalid'
  | 'journal_gap'
  | 'journal_link_broken'
  | 'journal_hash'
  | 'journal_range'
  | 'recording_entry_missing'
  | 'recording_entry_mismatch'
  | 'recording_file_unlisted';
export interface VerifyProblem {
  code: ProblemCode;
  file?: string;
  line?: number;
  seq?: number;
}
export interface VerifyReport {
  ok: boolean;
  problems: VerifyProblem[];
  consoleId?: string;
  period?: { from: number; to: number };
  entries: number;
  files: number;
  lastSeq?: number;
  lastHash?: string;
  /** The console's signatures the bundle carries (G6), or « non signé ». */
  signatures?: SignatureSummary;
  /** MP4 files checked, the journaled segments they come from, and segments the export declared left out. */
  recordings?: { files: number; segments: number; excluded: number };
}

const RecordingsSchema = z.array(
  z.object({
    file: z.string().nullable(),
    grantId: z.string(),
    cameraId: z.string(),
    segments: z.array(z.object({ seq: z.number().int().positive(), start: z.number(), end: z.number(), sha256: z.string() })),
    excluded: z.array(z.object({ seq: z.number().int().positive(), start: z.number(), end: z.number(), status: z.string() })),
  }),
);

const ManifestSchema = z
  .object({
    format: z.literal('csu-evidence'),
    version: z.literal(1),
    consoleId: z.string(),
    period: z.object({ from: z.number(), to: z.number() }),
    cameraIds: z.array(z.string()),
    exportedAt: z.number(),
    exportedBy: z.string(),
    journal: z.object({ anchorSeq: z.number().int().nonnegative(), firstSeq: z.number().int().nonnegative(), lastSeq: z.number().int().nonnegative(), entries: z.number().int().nonnegative() }),
    files: z.array(z.object({ name: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })),
  })
  .passthrough();

/** A bundle's files, read whole (a bundle holds a journal extract and, at most, an hour of recordings per camera). */
function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('unreadable'));
      const out = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (/\/$/.test(entry.fileName)) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('unreadable entry'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** `expectedKey`: the console's public key (PEM) as the verifier knows it, to check the signatures against. */
export async function verifyBundle(file: string, opts: { expectedKey?: string } = {}): Promise<VerifyReport> {
  let files: Map<string, Buffer>;
  try {
    files = await readZip(file);
  } catch {
    return { ok: false, problems: [{ code: 'bundle_unreadable', file }], entries: 0, files: 0 };
  }
  const problems: VerifyProblem[] = [];
  const rawManifest = files.get(MANIFEST);
  if (!rawManifest) return { ok: false, problems: [{ code: 'manifest_missing', file: MANIFEST }], entries: 0, files: files.size };
  let manifest: z.infer<typeof ManifestSchema>;
  try {
    manifest = ManifestSchema.parse(JSON.parse(rawManifest.toString('utf8')));
  } catch {
    return { ok: false, problems: [{ code: 'manifest_invalid', file: MANIFEST }], entries: 0, files: files.size };
  }
  for (const f of manifest.files) {
    const data = files.get(f.name);
    if (!data) problems.push({ code: 'file_missing', file: f.name });
    else if (data.length !== f.bytes || sha256(data) !== f.sha256) problems.push({ code: 'file_altered', file: f.name });
  }
  for (const name of files.keys()) if (name !== MANIFEST && !manifest.files.some((f) => f.name === name)) problems.push({ code: 'file_unlisted', file: name });

  const journal = files.get(JOURNAL);
  let count = 0;
  let last: { seq: number; hash: string } | undefined;
  const hashes = new Map<number, string>();
  const bySeq = new Map<number, { kind?: unknown; payload?: unknown }>();
  if (journal) {
    const lines = journal.toString('utf8').split('\n').filter((l) => l.length > 0);
    for (let i = 0; i < lines.length; i++) {
      let entry: { seq?: unknown; hash?: unknown; prev_hash?: unknown };
      try {
        entry = JSON.parse(lines[i]!) as typeof entry;
      } catch {
        problems.push({ code: 'journal_line_unreadable', file: JOURNAL, line: i + 1 });
        break;
      }
      const seq = typeof entry.seq === 'number' ? entry.seq : undefined;
      // The first line is the anchor (or the journal's very first entry): its own hash holds, its link is outside the extract.
      const prev = last ?? (seq !== undefined && seq > 1 && typeof entry.prev_hash === 'string' ? { seq: seq - 1, hash: entry.prev_hash } : undefined);
      const problem = checkEntry(entry, prev);
      if (problem) {
        const code: ProblemCode = problem === 'gap' ? 'journal_gap' : problem === 'prev_hash' ? 'journal_link_broken' : problem === 'hash' ? 'journal_hash' : 'journal_entry_invalid';
        problems.push({ code, file: JOURNAL, line: i + 1, ...(seq !== undefined ? { seq } : {}) });
        break;
      }
      last = { seq: seq!, hash: String(entry.hash) };
      hashes.set(last.seq, last.hash);
      bySeq.set(seq!, entry as { kind?: unknown; payload?: unknown });
      count++;
    }
    if (!problems.some((p) => p.file === JOURNAL) && manifest.journal.entries > 0) {
      // The extract must be exactly the range the manifest announces: no entry cut off either end.
      const expectedFirst = manifest.journal.anchorSeq > 0 ? manifest.journal.anchorSeq : manifest.journal.firstSeq;
      const firstSeq = (JSON.parse(lines[0] ?? '{}') as { seq?: number }).seq;
      if (firstSeq !== expectedFirst || last?.seq !== manifest.journal.lastSeq) problems.push({ code: 'journal_range', file: JOURNAL });
    }
  }
  const signed = checkBundleSignatures(files.get(SIGNATURES), manifest.consoleId, hashes, manifest.journal.entries > 0 ? manifest.journal.lastSeq : undefined, opts.expectedKey);
  for (const p of signed.problems) problems.push({ ...p, file: SIGNATURES });
  let recordings: VerifyReport['recordings'];
  if ((manifest as { recordings?: unknown }).recordings !== undefined) {
    const parsed = RecordingsSchema.safeParse((manifest as { recordings?: unknown }).recordings);
    if (!parsed.success) problems.push({ code: 'manifest_invalid', file: MANIFEST });
    else {
      recordings = { files: 0, segments: 0, excluded: 0 };
      for (const r of parsed.data) {
        recordings.excluded += r.excluded.length;
        if (r.file === null) continue;
        recordings.files++;
        if (!manifest.files.some((f) => f.name === r.file)) problems.push({ code: 'recording_file_unlisted', file: r.file });
        for (const s of r.segments) {
          recordings.segments++;
          const e = bySeq.get(s.seq);
          const p = e?.payload as { grantId?: unknown; cameraId?: unknown; start?: unknown; end?: unknown; sha256?: unknown } | undefined;
          if (!e) problems.push({ code: 'recording_entry_missing', file: r.file, seq: s.seq });
          else if (e.kind !== 'recording.segment' || p?.grantId !== r.grantId || p.cameraId !== r.cameraId || p.start !== s.start || p.end !== s.end || p.sha256 !== s.sha256) problems.push({ code: 'recording_entry_mismatch', file: r.file, seq: s.seq });
        }
      }
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    signatures: signed.summary,
    ...(recordings ? { recordings } : {}),
    consoleId: manifest.consoleId,
    period: manifest.period,
    entries: count,
    files: files.size,
    ...(last ? { lastSeq: last.seq, lastHash: last.hash } : {}),
  };
}
