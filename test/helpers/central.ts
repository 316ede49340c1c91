import http from 'node:http';
import type { AddressInfo } from 'node:net';
import knex, { type Knex } from 'knex';
import path from 'node:path';
import { buildServer, type ServerOptions } from '../../server/app';
import { openServerDb } from '../../server/db';
import { tmpDir } from './tmp';

export const PG_ADMIN_URL = process.env.CSU_TEST_PG ?? 'postgres://csu:csu@127.0.0.1:5432/postgres';

/** A fresh central database: a new PostgreSQL database, or a new SQLite file. */
export async function freshCentralDb(kind: 'postgres' | 'sqlite'): Promise<{ url: string; drop: () => Promise<void> }> {
  if (kind === 'sqlite') {
    const t = tmpDir('csu-central-');
    return { url: path.join(t.dir, 'central.sqlite'), drop: async () => t.cleanup() };
  }
  const name = `csu_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin: Knex = knex({ client: 'pg', connection: PG_ADMIN_URL });
  await admin.raw(`CREATE DATABASE ${name}`);
  await admin.destroy();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const a: Knex = knex({ client: 'pg', connection: PG_ADMIN_URL });
      await a.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.destroy();
    },
  };
}

export interface Central {
  db: Knex;
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** The real server on loopback; stop() and start() again on the same port (the server "goes down"). */
export async function startCentral(dbUrl: string, port = 0, opts: ServerOptions & { db?: Knex } = {}): Promise<Central> {
  const db = opts.db ?? (await openServerDb(dbUrl));
  let app = buildServer(db, opts);
  await app.listen({ host: '127.0.0.1', port });
  const bound = (app.server.address() as AddressInfo).port;
  return {
    db,
    port: bound,
    url: `http://127.0.0.1:${bound}`,
    stop: async () => {
      await app.close();
    },
    start: async () => {
      app = buildServer(db, opts);
      await app.listen({ host: '127.0.0.1', port: bound });
    },
  };
}

export type Fault = 'error500' | 'hang' | 'cut';

/**
 * A loopback proxy that fails a share of requests: a 500, a request never answered (the client
 * times out), or the connection cut after the server stored the batch but before the answer.
 * `firstFaults` are dealt to the first requests in order, so a short test meets every kind of
 * fault whatever the dice say; after them, each request fails with probability `failRate`.
 */
export async function startFaultProxy(target: string, failRate = 0.1, firstFaults: Fault[] = []): Promise<{ url: string; counts: Record<string, number>; close(): Promise<void> }> {
  const script = [...firstFaults];
  const counts: Record<string, number> = { forwarded: 0, error500: 0, hang: 0, cut: 0 };
  const t = new URL(target);
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const roll = Math.random();
      const fault: Fault | undefined = script.shift() ?? (roll < failRate / 3 ? 'error500' : roll < (2 * failRate) / 3 ? 'hang' : roll < failRate ? 'cut' : undefined);
      if (fault === 'error500') {
        counts.error500!++;
        res.writeHead(500).end('{"error":"injected"}');
        return;
      }
      if (fault === 'hang') {
        counts.hang!++;
        held.push(res);
        return;
      }
      const cut = fault === 'cut';
      const up = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (upRes) => {
        const body: Buffer[] = [];
        upRes.on('data', (c: Buffer) => body.push(c));
        upRes.on('end', () => {
          if (cut) {
            counts.cut!++;
            res.socket?.destroy(); // stored upstream, but the console never hears it
            return;
          }
          counts.forwarded!++;
          res.writeHead(upRes.statusCode ?? 502, upRes.headers).end(Buffer.concat(body));
        });
      });
      up.on('error', () => res.writeHead(502).end());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () =>
      new Promise((r) => {
        for (const h of held) h.socket?.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
