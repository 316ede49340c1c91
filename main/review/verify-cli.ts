/**
 * `npx csu-verify bundle.zip [--json]` (also `npm run verify -- bundle.zip`): checks an evidence
 * bundle offline. French for people, `--json` for machines; exit 0 verified, 1 not, 2 usage.
 */
import { mainT } from '../i18n';
import { verifyBundle } from './verify';

export async function main(argv: string[]): Promise<number> {
  const t = mainT();
  const json = argv.includes('--json');
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 1 || argv.some((a) => a.startsWith('--') && a !== '--json')) {
    process.stderr.write(`${t('verify.usage')}\n`);
    return 2;
  }
  const r = await verifyBundle(files[0]!);
  if (json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return r.ok ? 0 : 1;
  }
  if (r.ok) {
    process.stdout.write(`${t('verify.ok', { entries: r.entries, files: r.files, seq: r.lastSeq ?? 0, hash: (r.lastHash ?? '').slice(0, 12) })}\n`);
    if (r.recordings && r.recordings.files > 0) process.stdout.write(`${t('verify.recordings', { count: r.recordings.files, segments: r.recordings.segments })}\n${t('verify.recordingsScope')}\n`);
    if (r.recordings && r.recordings.excluded > 0) process.stdout.write(`${t('verify.recordingsExcluded', { count: r.recordings.excluded })}\n`);
    return 0;
  }
  for (const p of r.problems) process.stdout.write(`${t(`verify.problems.${p.code}`, { file: p.file ?? '', line: p.line ?? '', seq: p.seq ?? '' })}\n`);
  process.stdout.write(`${t('verify.failed', { count: r.problems.length })}\n`);
  return 1;
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
