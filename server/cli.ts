/**
 * npm run server [-- serve | add-console <id> | add-reader <id>] [--config file.json]
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
  const [cmd = 'serve', arg] = argv.filter((a, i) => a !== '--config' && argv[i - 1] !== '--config');
  const db = await openServerDb(s.db!);
  if (cmd === 'add-console' || cmd === 'add-reader') {
    if (!arg) throw new Error(`usage: ${cmd} <id>`);
    const token = await issueToken(db, cmd === 'add-console' ? 'consoles' : 'readers', arg, Date.now());
    // Printed once; only its SHA-256 is stored.
    process.stdout.write(`${token}\n`);
    await db.destroy();
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
