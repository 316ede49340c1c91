/**
 * `npm run admin -- <command> --data-dir DIR` (issue G2), for unattended installs:
 *   create-admin                   the first administrateur; the password is asked, never an argument
 *   import FILE [--dry-run]        a catalogue file: every problem with its path, or the changes
 *   export [FILE]                  the catalogue without any secret (stdout without FILE)
 * Messages in French (assets/locales, `cli.*`); exit 0 done, 1 refused, 2 wrong usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../db';
import { countOperators } from '../../db/catalogue';
import { MAX_CATALOGUE_FILE_BYTES, passwordProblem } from '../../db/catalogue-file';
import { appendEntry } from '../../db/journal';
import { createFirstAdmin } from '../../db/operators';
import { readCentralState } from '../../db/central-catalogue';
import { hashPassword } from '../../db/passwords';
import { systemClock } from '../clock';
import { AppError } from '../errors';
import { mainT } from '../i18n';
import { fileSecretStore } from '../secrets';
import { openConfSettings } from '../settings/conf-store';
import { defaultDataDir } from '../shell-args';
import { AdminService } from './service';

const t = mainT();
const say = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code = 1): never => {
  process.stderr.write(`${line}\n`);
  process.exit(code);
};

/** Reads a line from the terminal without echoing it; from a pipe (installers, tests), the next line. */
function askSecret(prompt: string, lines: AsyncIterator<string>): Promise<string> {
  if (!process.stdin.isTTY) {
    process.stdout.write(prompt);
    return lines.next().then((r) => (r.done ? '' : r.value));
  }
  return new Promise((resolve) => {
    process.stdout.write(prompt);
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const onData = (buf: Buffer) => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stdout.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') process.exit(130);
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

function parse(argv: string[]): { command: string; positional: string[]; dataDir: string; dryRun: boolean; matricule?: string; name?: string } {
  const out = { command: argv[0] ?? '', positional: [] as string[], dataDir: defaultDataDir(), dryRun: false, matricule: undefined as string | undefined, name: undefined as string | undefined };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? fail(t('cli.usage'), 2);
    if (a === '--data-dir') out.dataDir = path.resolve(value());
    else if (a === '--dry-run') out.dryRun = true;
    else if (a === '--matricule') out.matricule = value();
    else if (a === '--name') out.name = value();
    else if (a.startsWith('--')) fail(t('cli.usage'), 2);
    else out.positional.push(a);
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  const args = parse(argv);
  if (!['create-admin', 'import', 'export'].includes(args.command)) fail(t('cli.usage'), 2);
  const settings = openConfSettings(args.dataDir).get();
  const db = await openDatabase(path.join(args.dataDir, 'console.sqlite'));
  const lines = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  try {
    if (args.command === 'create-admin') {
      if ((await countOperators(db)) > 0) fail(t('errors.SETUP_DONE'));
      const matricule = args.matricule ?? fail(t('cli.usage'), 2);
      const name = args.name ?? matricule;
      const password = await askSecret(t('cli.password'), lines);
      const again = await askSecret(t('cli.passwordAgain'), lines);
      if (password !== again) fail(t('cli.passwordsDiffer'));
      const problem = passwordProblem(password, matricule);
      if (problem) fail(t(`importErrors.${problem}`, { min: 12 }));
      if (!(await createFirstAdmin(db, { matricule, name, passwordHash: await hashPassword(password) }))) fail(t('errors.SETUP_DONE'));
      await appendEntry(db, settings.consoleId, { kind: 'catalogue.changed', actor: matricule, ts: systemClock.now(), payload: { entity: 'operator', id: matricule, change: 'created', before: null, after: { name, role: 'administrateur', designated: false, active: true } } });
      say(t('cli.adminCreated', { matricule }));
      return;
    }
    // The same rule as the screens: a console following the central catalogue imports nothing locally unless the server lets it publish.
    const following = !!settings.mirror?.serverUrl && fileSecretStore(args.dataDir).get('mirror-token') !== undefined;
    const { canPublish } = await readCentralState(db);
    const admin = new AdminService({ db, consoleId: settings.consoleId, clock: systemClock, secrets: fileSecretStore(args.dataDir), allowSim: settings.mode === 'demo', mirrorSettings: { get: () => ({ serverUrl: null, caFile: null }), set: () => undefined }, central: () => ({ following, canPublish }) });
    if (args.command === 'export') {
      const text = await admin.exportFile();
      if (args.positional[0]) writeFileSync(args.positional[0], text, { mode: 0o600 });
      else process.stdout.write(text);
      return;
    }
    const file = args.positional[0] ?? fail(t('cli.usage'), 2);
    let text: string;
    try {
      const buf = readFileSync(file);
      if (buf.length > MAX_CATALOGUE_FILE_BYTES) fail(`${file} : ${t('importErrors.file_too_large', { max: MAX_CATALOGUE_FILE_BYTES })}`);
      text = buf.toString('utf8');
    } catch (err) {
      return fail(t('cli.cannotRead', { file, reason: (err as Error).message }));
    }
    const r = await admin.importFile(text, args.dryRun, 'console-admin-cli').catch((err: unknown) => (err instanceof AppError && err.code === 'CATALOGUE_CENTRAL' ? fail(t('errors.CATALOGUE_CENTRAL')) : Promise.reject(err)));
    if (r.problems.length > 0) {
      for (const p of r.problems) process.stderr.write(`${p.path} : ${t(`importErrors.${p.code}`, p.params ?? {})}\n`);
      fail(t('cli.nothingApplied', { count: r.problems.length }));
    }
    for (const c of r.changes) say(`${t(`cli.changes.${c.change}`)} ${t(`registryEvents.entities.${c.entity}`)} ${c.id}${c.change === 'updated' ? ` (${c.fields.join(', ')})` : ''}`);
    say(args.dryRun ? t('cli.dryRun', { count: r.changes.length }) : t('cli.applied', { count: r.changes.length, version: r.version }));
    for (const p of r.temporaryPasswords) say(t('cli.temporaryPassword', { matricule: p.matricule, password: p.password }));
  } finally {
    await db.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => fail(t('cli.failed', { reason: err instanceof Error ? err.message : String(err) })),
  );
}
