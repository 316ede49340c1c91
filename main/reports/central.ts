/**
 * « Tous les postes du CSU » (issue G1): the report's rows read from the central server's paged
 * `GET /v1/registry` with this console's reader token, instead of the local registry view.
 *
 * The walk streams: one page in memory at a time, each row checked (zod: the server is another
 * machine), counted into the totals and appended to a spool file (NDJSON) in the report's work
 * folder. The PDF reads its rows twice (measure, then draw) and the spool is what it reads, so the
 * server is walked once and both passes see the same rows even if consoles mirror meanwhile.
 */
import { createReadStream, createWriteStream, promises as fs, readFileSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { z } from 'zod';
import type { RegistryFilter, RegistryRow, RegistryTotal } from '../../db/registry';
import { END_REASONS, MOTIVES, ZONES } from '../../preload/vocabulary';
import { classifyFetchError } from '../admin/mirror-test';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { checkServerUrl, request } from '../mirror/transport';
import type { Totals } from './model';

export interface CentralConfig {
  serverUrl: string;
  readerToken: string;
  /** PEM of an internal CA (setting mirror.caFile). */
  ca?: string | undefined;
}

/**
 * The central source when this console has a server (https://, or http:// to loopback) and a
 * reader token; undefined otherwise. An unreadable CA file is logged and left out: the TLS
 * handshake then fails and the report says « certificat ».
 */
export function centralConfigOf(mirror: { serverUrl: string; caFile?: string | undefined } | undefined, readerToken: string | undefined, log: Logger): CentralConfig | undefined {
  if (!mirror?.serverUrl || !readerToken || checkServerUrl(mirror.serverUrl) !== 'ok') return undefined;
  let ca: string | undefined;
  try {
    ca = mirror.caFile ? readFileSync(mirror.caFile, 'utf8') : undefined;
  } catch (err) {
    log.error('reports: cannot read the CA file %s (%s)', mirror.caFile, (err as { code?: string }).code ?? 'error');
  }
  return { serverUrl: mirror.serverUrl, readerToken, ca };
}

/** The server's row (server/registry-page.ts → db/registry.ts registryRowOf), checked field by field. */
const CentralRow = z.object({
  grantId: z.string().min(1).max(100),
  consoleId: z.string().min(1).max(64),
  requestedAt: z.number(),
  startsAt: z.number(),
  scheduledEndAt: z.number(),
  grantedMin: z.number(),
  effectiveMin: z.number().nullable(),
  siteId: z.string().max(100),
  siteName: z.string().max(500),
  serviceId: z.string().max(100),
  serviceName: z.string().max(500),
  motive: z.enum(MOTIVES),
  justification: z.string().max(20000),
  cameras: z.array(z.object({ id: z.string(), label: z.string(), zone: z.enum(ZONES) })).max(200),
  operatorMatricule: z.string().max(64),
  operatorName: z.string().max(500),
  endedAt: z.number().nullable(),
  endReason: z.enum(END_REASONS).nullable(),
});
const Page = z.object({ rows: z.array(z.unknown()), total: z.number().int().nonnegative(), nextCursor: z.string().max(400).nullable() });

/** What the report needs from the walk: counts, totals, the consoles met, and the rows again on demand. */
export interface CentralRead {
  serverOrigin: string;
  readAt: number;
  count: number;
  consoles: string[];
  totals: Totals;
  /** The spooled rows in the server's order (start time); empty when the walk kept none (a preview). */
  rows: () => AsyncGenerator<RegistryRow>;
}

const PAGE = 2000;
/** A page of 2,000 rows is about 2 MB; a server sending far more is broken or hostile. */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;

/** Turns what went wrong into the French-facing codes: unreachable, certificate, token refused, unexpected answer. */
function failure(err: unknown): AppError {
  if ((err as { code?: string }).code === 'ANSWER_TOO_LARGE') return new AppError('CENTRAL_ANSWER_INVALID', 'central registry: a page over the size limit');
  const kind = classifyFetchError(err);
  if (kind === 'CERTIFICATE' || kind === 'HOSTNAME') return new AppError('CENTRAL_TLS', `central registry: TLS failure (${kind})`);
  return new AppError('CENTRAL_UNREACHABLE', `central registry unreachable (${kind})`);
}

function addTo(map: Map<string, RegistryTotal>, key: string, label: string, r: RegistryRow): void {
  let t = map.get(key);
  if (!t) map.set(key, (t = { key, label, count: 0, grantedMin: 0, effectiveMin: 0 }));
  t.count++;
  t.grantedMin += r.grantedMin;
  t.effectiveMin += r.effectiveMin ?? 0;
}

const sorted = (m: Map<string, RegistryTotal>) => [...m.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/**
 * Walks every page matching the filter. The server filters by period, console, site, service and
 * motive; a bailleur (several sites) and an operator are filtered here, row by row.
 */
export async function readCentral(c: CentralConfig, f: RegistryFilter, o: { now: number; spool?: string; timeoutMs?: number; pageSize?: number }): Promise<CentralRead> {
  // Kept as typed, path included: a reverse proxy may serve the API under a prefix.
  const base = `${c.serverUrl.replace(/\/$/, '')}/v1/registry`;
  const q = new URLSearchParams();
  if (f.from !== undefined) q.set('from', String(f.from));
  if (f.to !== undefined) q.set('to', String(f.to));
  if (f.consoleId) q.set('consoleId', f.consoleId);
  if (f.siteId) q.set('siteId', f.siteId);
  if (f.serviceId) q.set('serviceId', f.serviceId);
  if (f.motive) q.set('motive', f.motive);
  q.set('limit', String(o.pageSize ?? PAGE));
  const dims = { motive: new Map<string, RegistryTotal>(), site: new Map<string, RegistryTotal>(), service: new Map<string, RegistryTotal>(), operator: new Map<string, RegistryTotal>(), console: new Map<string, RegistryTotal>() };
  let out: WriteStream | undefined = o.spool ? createWriteStream(o.spool, { mode: 0o600 }) : undefined;
  // A write that fails (disk full) is kept and thrown at the end; one cut short by a failed walk is moot.
  let spoolError: Error | undefined;
  out?.on('error', (err) => (spoolError ??= err));
  let count = 0;
  let cursor: string | null = null;
  const seen = new Set<string>();
  try {
    do {
      if (cursor) q.set('cursor', cursor);
      let res;
      try {
        res = await request(`${base}?${q.toString()}`, { headers: { authorization: `Bearer ${c.readerToken}` }, timeoutMs: o.timeoutMs ?? 15000, maxBytes: MAX_PAGE_BYTES, ...(c.ca ? { ca: c.ca } : {}) });
      } catch (err) {
        throw failure(err);
      }
      if (res.status === 401 || res.status === 403) throw new AppError('CENTRAL_READER_REFUSED', `central registry refused the reader token (${res.status})`);
      let page: z.infer<typeof Page>;
      try {
        if (!res.ok) throw new Error(`status ${res.status}`);
        page = Page.parse(res.json());
      } catch (err) {
        throw new AppError('CENTRAL_ANSWER_INVALID', `central registry: unexpected answer (${err instanceof Error ? err.message.slice(0, 200) : 'unreadable'})`);
      }
      let chunk = '';
      for (const raw of page.rows) {
        const p = CentralRow.safeParse(raw);
        if (!p.success) throw new AppError('CENTRAL_ANSWER_INVALID', `central registry: a row does not read (${p.error.issues[0]?.path.join('.') ?? '?'})`);
        const r: RegistryRow = { ...p.data, renews: null };
        if (f.siteIds && !f.siteIds.includes(r.siteId)) continue;
        if (f.operator && r.operatorMatricule !== f.operator) continue;
        count++;
        addTo(dims.motive, r.motive, r.motive, r);
        addTo(dims.site, r.siteId, r.siteName, r);
        addTo(dims.service, r.serviceId, r.serviceName, r);
        addTo(dims.operator, r.operatorMatricule, r.operatorName, r);
        addTo(dims.console, r.consoleId, r.consoleId, r);
        if (out) chunk += `${JSON.stringify(r)}\n`;
      }
      if (out && chunk && !out.write(chunk)) await once(out, 'drain');
      // A cursor met before would walk the same pages forever.
      if (page.nextCursor !== null && seen.has(page.nextCursor)) throw new AppError('CENTRAL_ANSWER_INVALID', 'central registry: a cursor came back');
      cursor = page.nextCursor;
      if (cursor) seen.add(cursor);
    } while (cursor);
    if (out) {
      const w = out;
      await new Promise<void>((resolve, reject) => w.end((err?: Error | null) => (err ? reject(err) : resolve())));
      out = undefined;
      if (spoolError) throw spoolError;
    }
  } catch (err) {
    out?.destroy();
    if (o.spool) await fs.rm(o.spool, { force: true });
    throw err;
  }
  const spool = o.spool;
  return {
    serverOrigin: new URL(c.serverUrl).origin,
    readAt: o.now,
    count,
    consoles: [...dims.console.keys()].sort(),
    totals: { motive: sorted(dims.motive), site: sorted(dims.site), service: sorted(dims.service), operator: sorted(dims.operator), console: sorted(dims.console) },
    rows: spool ? () => spooledRows(spool) : async function* () {},
  };
}

async function* spooledRows(file: string): AsyncGenerator<RegistryRow> {
  const lines = readline.createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line) yield JSON.parse(line) as RegistryRow;
}
