/**
 * The embedded demo central server, run as a child of the console (ARCHITECTURE.md: main/ never
 * imports server/, so Fastify and pg stay out of Electron's main process).
 * Started with `embedded.js --db <central.sqlite> --console-id <id> --now <ms>`; it answers one
 * `ready` message { port, token, code } on its IPC channel (never stdout: the token is a secret) and
 * stops on a `stop` message, on SIGTERM, or when its parent goes away.
 */
import type { AddressInfo } from 'node:net';
import { buildServer } from './app';
import { openServerDb } from './db';
import { addSignedConsole } from './enrolment';

export type EmbeddedMessage = { type: 'ready'; port: number; token: string; code: string } | { type: 'error'; message: string };

/** Electron's utility process talks through process.parentPort; a Node fork through process.send. */
interface ParentPort {
  postMessage(m: unknown): void;
  on(e: 'message', cb: (ev: { data: unknown }) => void): void;
}

function arg(argv: string[], name: string): string {
  const i = argv.indexOf(name);
  const v = i >= 0 ? argv[i + 1] : undefined;
  if (!v) throw new Error(`embedded server: missing ${name}`);
  return v;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  const send = (m: EmbeddedMessage) => (port ? port.postMessage(m) : process.send?.(m));
  let app: ReturnType<typeof buildServer> | undefined;
  let db: Awaited<ReturnType<typeof openServerDb>> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await app?.close().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    process.exit(code);
  };
  const onMessage = (m: unknown) => {
    if ((m as { type?: unknown } | null)?.type === 'stop') void stop(0);
  };
  if (port) port.on('message', (ev) => onMessage(ev.data));
  else {
    process.on('message', onMessage);
    // Dies with its parent: a console killed hard must not leave a server holding central.sqlite.
    process.on('disconnect', () => void stop(0));
  }
  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));

  try {
    db = await openServerDb(arg(argv, '--db'));
    // The embedded server lives only as long as its console: a fresh token each start, and the demo
    // signs like a real console — a fresh one-time enrolment code its mirror uses to register the
    // console's key (the same key each start: it lives in the console's secret store).
    const { token, code } = await addSignedConsole(db, arg(argv, '--console-id'), Number(arg(argv, '--now')), { rotate: true });
    app = buildServer(db);
    await app.listen({ host: '127.0.0.1', port: 0 });
    send({ type: 'ready', port: (app.server.address() as AddressInfo).port, token, code });
  } catch (err) {
    send({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    await stop(1);
  }
}

void main();
