/**
 * npm run server [-- serve | add-console <id> [--rotate] | add-reader <id> [--rotate]] [--config file.json]
 * Settings from the environment (or the JSON file, same names): CSU_SERVER_DB (a postgres:// URL
 * in production, else an SQLite file), CSU_SERVER_LISTEN (host:port, default 127.0.0.1:8787),
 * CSU_SERVER_TLS_CERT and CSU_SERVER_TLS_KEY (PEM files; HTTPS when both are set).
 */
import { readFileSync } from 'node:fs';
import { buildServer } from './app';
import { openServerDb } from './db';
import { issueToken } from './store';

function settings(argv: string[]): Record<string, string | undefined> {
  const i = argv.indexOf('--config');
  const file = i >= 0 ? (JSON.parse(readFileSync(argv[i + 1]!, 'utf8')) as Record<string, string>) : {};
  const get = (k: string) => process.env[k] ?? file[k];
  return { db: get('CSU_SERVER_DB') ?? '.data/central.sqlite', listen: get('CSU_SERVER_LISTEN') ?? '127.0.0.1:8787', cert: get('CSU_SERVER_TLS_CERT'), key: get('CSU_SERVER_TLS_KEY') };
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
    let token: string;
    try {
      token = await issueToken(db, cmd === 'add-console' ? 'consoles' : 'readers', arg, Date.now(), { rotate });
    } finally {
      await db.destroy();
    }
    // Printed once; only its SHA-256 is stored.
    process.stdout.write(`${token}\n`);
    return;
  }
  if (cmd !== 'serve') throw new Error(`unknown command ${cmd}`);
  const [host, port] = s.listen!.split(':') as [string, string];
  const https = s.cert && s.key ? { cert: readFileSync(s.cert), key: readFileSync(s.key) } : undefined;
  const app = buildServer(db, { https, logger: true });
  await app.listen({ host, port: Number(port) });
  const stop = () => void app.close().then(() => db.destroy()).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
