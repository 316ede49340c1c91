/**
 * GET /v1/registry, paged: the central registry of every console, in a stable order
 * (starts_at, console_id, grant_id) walked by an opaque cursor, with the total under the filters.
 * Keyset paging, not OFFSET: a page costs the same at row 1 and at row 1,000,000, and rows
 * arriving meanwhile never shift a page.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { registryRowOf, type RegistryRow } from '../db/registry';
import type { RegistryDbRow } from '../db/rows';

export const PAGE_DEFAULT = 500;
export const PAGE_MAX = 2000;

export interface RegistryQuery {
  from?: number;
  to?: number;
  consoleId?: string;
  siteId?: string;
  serviceId?: string;
  motive?: string;
  limit?: number;
  cursor?: string;
}

const Cursor = z.tuple([z.number().int().nonnegative(), z.string().max(64), z.string().max(100)]);
type Cursor = z.infer<typeof Cursor>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** undefined when the cursor is not one this server made (a 400 for the route). */
export function decodeCursor(s: string): Cursor | undefined {
  try {
    const p = Cursor.safeParse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
    return p.success ? p.data : undefined;
  } catch {
    return undefined;
  }
}

function filtered(db: Knex, q: RegistryQuery): Knex.QueryBuilder {
  const b = db<RegistryDbRow>('registry');
  if (q.from !== undefined) b.where('starts_at', '>=', q.from);
  if (q.to !== undefined) b.where('starts_at', '<', q.to);
  if (q.consoleId) b.where('console_id', q.consoleId);
  if (q.siteId) b.where('site_id', q.siteId);
  if (q.serviceId) b.where('service_id', q.serviceId);
  if (q.motive) b.where('motive', q.motive);
  return b;
}

export async function registryPage(db: Knex, q: RegistryQuery, after: Cursor | undefined): Promise<{ rows: RegistryRow[]; total: number; nextCursor: string | null }> {
  const limit = Math.min(q.limit ?? PAGE_DEFAULT, PAGE_MAX);
  const page = filtered(db, q).orderBy([{ column: 'starts_at' }, { column: 'console_id' }, { column: 'grant_id' }]).limit(limit + 1);
  if (after) {
    const [s, c, g] = after;
    page.where((w) => w.where('starts_at', '>', s).orWhere((x) => x.where('starts_at', s).andWhere((y) => y.where('console_id', '>', c).orWhere((z2) => z2.where('console_id', c).andWhere('grant_id', '>', g)))));
  }
  const [rows, count] = await Promise.all([page as Promise<RegistryDbRow[]>, filtered(db, q).count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>]);
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown[shown.length - 1];
  return {
    rows: shown.map(registryRowOf),
    total: Number(count?.n ?? 0),
    nextCursor: more && last ? encodeCursor([Number(last.starts_at), last.console_id, last.grant_id]) : null,
  };
}
