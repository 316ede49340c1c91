/**
 * `npx csu-verify bundle.zip [--json] [--key console.pem]` (also `npm run verify -- bundle.zip`):
 * checks an evidence bundle offline, the console's signatures included (G6; against the given
 * public key, else the bundle's own, whose fingerprint is printed). French for people, `--json`
 * for machines; exit 0 verified, 1 not, 2 usage.
 */
import { readFileSync } from 'node:fs';
import type { TFunction } from 'i18next';
import { mainT } from '../i18n';
import { verifyBundle, type VerifyReport } from './verify';

export async function main(argv: string[]): Promise<number> {
  const t = mainT();
  const json = argv.includes('--json');
  // --key FILE: the console's public key (PEM) as the central server enrolled it.
  const k = argv.indexOf('--key');
  const keyFile = k >= 0 ? argv[k + 1] : undefined;
  const rest = argv.filter((a, i) => a !== '--json' && i !== k && (k < 0 || i !== k + 1));
  if (rest.length !== 1 || rest[0]!.startsWith('--') || (k >= 0 && (!keyFile || keyFile.startsWith('--')))) {
    process.stderr.write(`${t('verify.usage')}\n`);
    return 2;
  }
  let expectedKey: string | undefined;
  if (keyFile) {
    try {
      expectedKey = readFileSync(keyFile, 'utf8');
    } catch {
      process.stderr.write(`${t('verify.keyUnreadable', { file: keyFile })}\n`);
      return 2;
    }
  }
  const r = await verifyBundle(rest[0]!, expectedKey !== undefined ? { expectedKey } : {});
  if (json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return r.ok ? 0 : 1;
  }
  const signatures = signaturesLine(t, r.signatures, keyFile);
  if (r.ok) {
    process.stdout.write(`${t('verify.ok', { entries: r.entries, files: r.files, seq: r.lastSeq ?? 0, hash: (r.lastHash ?? '').slice(0, 12) })}\n${signatures}\n`);
    if (r.recordings && r.recordings.files > 0) process.stdout.write(`${t('verify.recordings', { count: r.recordings.files, segments: r.recordings.segments })}\n${t('verify.recordingsScope')}\n`);
    if (r.recordings && r.recordings.excluded > 0) process.stdout.write(`${t('verify.recordingsExcluded', { count: r.recordings.excluded })}\n`);
    return 0;
  }
  for (const p of r.problems) process.stdout.write(`${t(`verify.problems.${p.code}`, { file: p.file ?? '', line: p.line ?? '', seq: p.seq ?? '', key: keyFile ?? '' })}\n`);
  process.stdout.write(`${t('verify.failed', { count: r.problems.length })}\n${signatures}\n`);
  return 1;
}

/** The signatures in one French line: « non signé », or what the valid ones vouch for and the key's fingerprint. */
function signaturesLine(t: TFunction, s: VerifyReport['signatures'], keyFile: string | undefined): string {
  if (!s || s.state === 'unsigned') return t('verify.signatures.unsigned');
  const fp = s.keyFingerprint.slice(0, 16);
  const key = s.keyChecked ? t('verify.signatures.keyChecked', { fingerprint: fp, file: keyFile ?? '' }) : t('verify.signatures.keyUnchecked', { fingerprint: fp });
  const exported = s.exportSeq !== undefined ? t('verify.signatures.export', { seq: s.exportSeq }) : t('verify.signatures.noExport');
  return `${t(s.state === 'signed' ? 'verify.signatures.signed' : 'verify.signatures.bad')} ${exported} ${t('verify.signatures.batches', { count: s.validBatches, total: s.batches, seq: s.signedUpTo })} ${key}`;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
