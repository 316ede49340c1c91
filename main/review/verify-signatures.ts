/**
 * The console's signatures in an evidence bundle (issue G6), checked offline: each batch
 * signature the console made when it sent that batch, and the signature it made at export over
 * the extract's last entry, against the hashes of the extract the verifier has just chained. A
 * bundle without signatures.json is « non signé »: said, not an error (a console without a central
 * server has no key). The key is the bundle's own unless the verifier is given the expected one
 * (`--key`): a forger can sign with a key of their own, so the report prints the key's fingerprint
 * for comparison with the one the central server enrolled.
 */
import { z } from 'zod';
import { checkSignatures, keyFingerprint, parsePublicKey, verifyHead } from '../../db/journal-signature';

export type SignatureProblemCode = 'signatures_invalid' | 'signature_key_invalid' | 'signature_key_mismatch' | 'signature_bad' | 'signature_export_bad' | 'signature_export_missing';

export type SignatureSummary =
  | { state: 'unsigned' }
  | {
      state: 'signed' | 'bad';
      /** SHA-256 of the key's DER (SPKI), hex. */
      keyFingerprint: string;
      /** Whether the key was the one given to the verifier (`--key`), or only the bundle's. */
      keyChecked: boolean;
      batches: number;
      validBatches: number;
      /** The last entry a valid batch signature vouches for (0: none). */
      signedUpTo: number;
      /** The entry the export signature vouches for, when it is valid. */
      exportSeq?: number;
    };

const Signature = z.object({ seq: z.number().int().positive(), hash: z.string().regex(/^[0-9a-f]{64}$/), signature: z.string().max(200) }).strict();
const SignaturesSchema = z
  .object({
    format: z.literal('csu-signatures'),
    version: z.literal(1),
    consoleId: z.string(),
    publicKey: z.string().max(1000),
    batches: z.array(Signature).max(1_000_000),
    export: Signature.optional(),
  })
  .strict();

/** The fingerprint csu-verify prints (its first 16 digits) and the server's `consoles` command lists whole. */
export { keyFingerprint };

/**
 * `raw`: signatures.json, if the bundle has one; `hashes`: seq → hash of the extract's entries
 * (chain-checked); `lastSeq`: the extract's last entry; `expectedKey`: the key given to the verifier.
 */
export function checkBundleSignatures(
  raw: Buffer | undefined,
  consoleId: string,
  hashes: Map<number, string>,
  lastSeq: number | undefined,
  expectedKey?: string,
): { summary: SignatureSummary; problems: { code: SignatureProblemCode; seq?: number }[] } {
  if (!raw) return { summary: { state: 'unsigned' }, problems: [] };
  let file: z.infer<typeof SignaturesSchema>;
  try {
    file = SignaturesSchema.parse(JSON.parse(raw.toString('utf8')));
  } catch {
    return { summary: { state: 'unsigned' }, problems: [{ code: 'signatures_invalid' }] };
  }
  const own = parsePublicKey(file.publicKey);
  const expected = expectedKey === undefined ? undefined : parsePublicKey(expectedKey);
  if (!own || (expectedKey !== undefined && !expected)) return { summary: { state: 'unsigned' }, problems: [{ code: 'signature_key_invalid' }] };
  const problems: { code: SignatureProblemCode; seq?: number }[] = [];
  if (expected && keyFingerprint(expected) !== keyFingerprint(own)) problems.push({ code: 'signature_key_mismatch' });
  // With an expected key, everything is checked against it: the bundle's own key proves nothing then.
  const key = expected ?? own;
  // A signature is checked against the extract's hash at its seq, not the hash written beside it.
  const rows = file.batches.map((b) => ({ seq: b.seq, hash: hashes.get(b.seq) ?? b.hash, signature: b.signature }));
  // Signed messages name the console: signatures of another console's entries do not verify here.
  const checked = checkSignatures(consoleId, rows, key);
  const bad = new Set(checked.bad);
  for (const b of file.batches) if (hashes.get(b.seq) !== b.hash) bad.add(b.seq);
  for (const seq of [...bad].sort((a, b) => a - b)) problems.push({ code: 'signature_bad', seq });
  let exportSeq: number | undefined;
  if (lastSeq !== undefined) {
    const e = file.export;
    const hash = hashes.get(lastSeq);
    if (!e) problems.push({ code: 'signature_export_missing' });
    else if (hash === undefined || e.seq !== lastSeq || e.hash !== hash || !verifyHead(key, consoleId, e.seq, hash, e.signature)) problems.push({ code: 'signature_export_bad', seq: e.seq });
    else exportSeq = e.seq;
  }
  const signedUpTo = file.batches.reduce((m, b) => (bad.has(b.seq) ? m : Math.max(m, b.seq)), 0);
  return {
    summary: {
      state: problems.length ? 'bad' : 'signed',
      keyFingerprint: keyFingerprint(key),
      keyChecked: expected !== undefined,
      batches: file.batches.length,
      validBatches: file.batches.length - bad.size,
      signedUpTo,
      ...(exportSeq !== undefined ? { exportSeq } : {}),
    },
    problems,
  };
}
