/**
 * npm run server [-- serve [--insecure] | add-console <id> [--rotate] | add-reader <id> [--rotate] | allow-publish <id> [--revoke] | consoles] [--config file.json]
 * Settings from the environment (or the JSON file, same names): CSU_SERVER_DB (a postgres:// URL
 * in production, else an SQLite file), CSU_SERVER_LISTEN (host:port, default 127.0.0.1:8787),
 * CSU_SERVER_TLS_CERT and CSU_SERVER_TLS_KEY (PEM files; HTTPS when both are set).
 */
import { readFileSync } from 'node:fs';
import { buildServer } from './app';
import { openServerDb } from './db';
import { addSignedConsole, formatConsoleListing, listConsoles } from './enrolment';
import { issueToken } from './store';
import { setCanPublish } from './catalogue';

function settings(argv: string[]): Record<string, string | undefined> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? (JSON.parse(readFileSync(argv[i + 1]!, 'utf8')) as Record<string, string>) : {};
  const get = (k: string) => process.env[k] ?? file[k];
  return { db: get('CSU_SERVER_DB') ?? '.data/central.sqlite', listen: get('CSU_SERVER_LISTEN') ?? '127.0.0.1:8787', cert: get('CSU_SERVER_TLS_CERT'), key: get('CSU_SERVER_TLS_KEY') };
}

/** host:port, [v6]:port. */
export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(listen) ?? /^([^:]+):(\d+)$/.exec(listen);
  if (!m) throw new Error(`CSU_SERVER_LISTEN: expected host:port, got ${listen}`);
  return { host: m[1]!, port: Number(m[2]) };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const s = settings(argv);
  const rotate = argv.includes('--rotate');
  const [cmd = 'serve', arg] = argv.filter((a, i) => a !== '--config' && argv[i - 1] !== '--config' && !a.startsWith('--'));
  const db = await openServerDb(s.db!, {
    // A command run by hand gives up after a minute; the service waits for PostgreSQL as long as it takes.
    ...(cmd === 'serve' ? {} : { maxWaitMs: 60000 }),
    onWait: (attempt, ms, code) => process.stderr.write(`waiting for the database (attempt ${attempt}, ${code}); retrying in ${(ms / 1000).toFixed(1)} s\n`),
  });
  if (cmd === 'add-console' || cmd === 'add-reader') {
    if (!arg) throw new Error(`usage: ${cmd} <id>`);
    let out: string;
    try {
      if (cmd === 'add-console') {
        // A console signs its batches: with the token, a one-time code to register its key.
        const { token, code } = await addSignedConsole(db, arg, Date.now(), { rotate });
        out = `token ${token}\nenrolment-code ${code}\n`;
      } else out = `token ${await issueToken(db, 'readers', arg, Date.now(), { rotate })}\n`;
    } finally {
      await db.destroy();
    }
    // Printed once; only their SHA-256 are stored.
    process.stdout.write(out);
    return;
  }
  if (cmd === 'consoles') {
    // Each console and its enrolled key's fingerprint: csu-verify prints the first 16 digits of the
    // key that signed a bundle, to be compared with this list (a forger signs with a key of their own).
    let lines: string[];
    try {
      lines = (await listConsoles(db)).map((c) => formatConsoleListing(c, Date.now()));
    } finally {
      await db.destroy();
    }
    process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'no console yet: add-console <id>\n');
    return;
  }
  if (cmd === 'allow-publish') {
    // The console of the CSU's administration post publishes the shared catalogue; the others only read it.
    if (!arg) throw new Error('usage: allow-publish <id> [--revoke]');
    const allowed = !argv.includes('--revoke');
    try {
      if (!(await setCanPublish(db, arg, allowed))) throw new Error(`no console ${arg}: add-console it first`);
    } finally {
      await db.destroy();
    }
    process.stdout.write(`${arg} ${allowed ? 'may' : 'may no longer'} publish the catalogue\n`);
    return;
  }
  if (cmd !== 'serve') throw new Error(`unknown command ${cmd}`);
  const { host, port } = parseListen(s.listen!);
  const https = s.cert && s.key ? { cert: readFileSync(s.cert), key: readFileSync(s.key) } : undefined;
  // Tokens and the registry's personal data never cross a network in clear, unless a lab says so out loud.
  if (!https && !isLoopbackHost(host)) {
    if (!argv.includes('--insecure')) {
      await db.destroy();
      throw new Error(`refusing to listen on ${host} without TLS: set CSU_SERVER_TLS_CERT and CSU_SERVER_TLS_KEY, or add --insecure for a lab network`);
    }
    process.stderr.write(`WARNING: --insecure: listening in clear on ${host}; tokens and registry entries cross the network unencrypted\n`);
  }
  const app = buildServer(db, { https, logger: true });
  await app.listen({ host, port });
  const stop = () => void app.close().then(() => db.destroy()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
