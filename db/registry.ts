/** The registry of transmissions (registre des transmissions): one row per grant. */
import type { Knex } from 'knex';
import type { EndReason } from './journal-kinds';
import type { Motive, Zone } from './motives';
import type { RegistryDbRow } from './rows';

export interface RegistryFilter {
  /** Start of the period (ms, inclusive), on the grant's start. */
  from?: number;
  /** End of the period (ms, exclusive). */
  to?: number;
  siteId?: string;
  /** Any of these sites (a bailleur's); an empty list matches nothing. */
  siteIds?: string[];
  serviceId?: string;
  motive?: Motive;
  consoleId?: string;
  /** Only the transmissions this operator requested. */
  operator?: string;
}

export interface RegistryRow {
  grantId: string;
  consoleId: string;
  requestedAt: number;
  startsAt: number;
  scheduledEndAt: number;
  grantedMin: number;
  /** Minutes the flow actually lasted; null while the grant is still active. */
  effectiveMin: number | null;
  siteId: string;
  siteName: string;
  serviceId: string;
  serviceName: string;
  motive: Motive;
  justification: string;
  cameras: { id: string; label: string; zone: Zone }[];
  operatorMatricule: string;
  operatorName: string;
  endedAt: number | null;
  endReason: EndReason | null;
  /** The transmission this one renews (« Renouveler »), from its request in the journal. */
  renews: string | null;
}

function filtered(db: Knex, filter: RegistryFilter): Knex.QueryBuilder<RegistryDbRow> {
  const q = db<RegistryDbRow>('registry');
  if (filter.from !== undefined) q.where('starts_at', '>=', filter.from);
  if (filter.to !== undefined) q.where('starts_at', '<', filter.to);
  if (filter.siteId) q.where('site_id', filter.siteId);
  if (filter.siteIds) q.whereIn('site_id', filter.siteIds);
  if (filter.serviceId) q.where('service_id', filter.serviceId);
  if (filter.motive) q.where('motive', filter.motive);
  if (filter.consoleId) q.where('console_id', filter.consoleId);
  if (filter.operator) q.where('operator_matricule', filter.operator);
  return q;
}

/** One registry row as the database gives it, in the registry's terms. */
export function registryRowOf(r: RegistryDbRow): RegistryRow {
  const endedAt = r.ended_at === null ? null : Number(r.ended_at);
  return {
    grantId: r.grant_id,
    consoleId: r.console_id,
    requestedAt: Number(r.requested_at),
    startsAt: Number(r.starts_at),
    scheduledEndAt: Number(r.ends_at),
    grantedMin: r.granted_min,
    // A console outage (transmission.interrupted) is time the grant ran but no image flowed.
    effectiveMin: endedAt === null ? null : Math.max(0, Math.round((endedAt - Number(r.starts_at) - Number(r.interrupted_ms ?? 0)) / 60000)),
    siteId: r.site_id,
    siteName: r.site_name,
    serviceId: r.service_id,
    serviceName: r.service_name,
    // motive, cameras, end_reason: written only by the journal projection from validated entries.
    motive: r.motive as Motive,
    justification: r.justification,
    cameras: JSON.parse(r.cameras) as RegistryRow['cameras'],
    operatorMatricule: r.operator_matricule,
    operatorName: r.operator_name,
    endedAt,
    endReason: (r.end_reason ?? null) as EndReason | null,
    renews: null,
  };
}

export async function registryRows(db: Knex, filter: RegistryFilter = {}, limit = 5000): Promise<RegistryRow[]> {
  const rows: RegistryDbRow[] = await filtered(db, filter).orderBy('starts_at', 'asc').limit(limit);
  // Renewals are rare: read their links from the journal's requests rather than widen the view's table.
  const renews = new Map<string, string>();
  const linked = await db('journal').select('payload').where({ kind: 'request.accepted' }).andWhere('payload', 'like', '%"renews":%');
  for (const { payload } of linked as { payload: string }[]) {
    const p = JSON.parse(payload) as { grantId: string; renews?: string };
    if (p.renews) renews.set(p.grantId, p.renews);
  }
  return rows.map((r) => ({ ...registryRowOf(r), renews: renews.get(r.grant_id) ?? null }));
}

/**
 * Every matching row in start order, a page at a time, so a report of 10,000 transmissions never
 * holds them all at once. Keyset on (starts_at, rowid): the starts_at index stores the rowid, so
 * each page is read straight from the index where the last one stopped, with no sort.
 */
export async function* iterateRegistryRows(db: Knex, filter: RegistryFilter, pageSize = 1000): AsyncGenerator<RegistryRow> {
  let after: { startsAt: number; rid: number } | undefined;
  for (;;) {
    const q = filtered(db, filter).select('registry.*', db.raw('registry.rowid as rid')).orderBy([{ column: 'starts_at' }, { column: 'rid' }]).limit(pageSize);
    if (after) {
      const a = after;
      q.where('starts_at', '>=', a.startsAt).andWhere((w) => w.where('starts_at', '>', a.startsAt).orWhere('registry.rowid', '>', a.rid));
    }
    const rows: (RegistryDbRow & { rid: number })[] = await q;
    for (const r of rows) yield registryRowOf(r);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { startsAt: Number(last.starts_at), rid: last.rid };
  }
}

export interface RegistryTotal {
  key: string;
  label: string;
  count: number;
  grantedMin: number;
  /** Minutes of the transmissions that have ended. */
  effectiveMin: number;
}

const TOTAL_COLUMNS = {
  motive: ['motive', 'motive'],
  site: ['site_id', 'site_name'],
  service: ['service_id', 'service_name'],
  operator: ['operator_matricule', 'operator_name'],
} as const;
export type TotalDimension = keyof typeof TOTAL_COLUMNS;

/** Counts and minutes per motive, site, service or operator, computed by SQLite (no row leaves the database). */
export async function registryTotals(db: Knex, filter: RegistryFilter, by: TotalDimension): Promise<RegistryTotal[]> {
  const [keyCol, labelCol] = TOTAL_COLUMNS[by];
  const rows: { k: string; l: string; n: number | string; g: number | string | null; e: number | string | null }[] = await filtered(db, filter)
    .select({ k: keyCol, l: db.raw('max(??)', [labelCol]) })
    .count({ n: '*' })
    .sum({ g: 'granted_min' })
    .select({ e: db.raw('sum(case when ended_at - starts_at - coalesce(interrupted_ms, 0) > 0 then ended_at - starts_at - coalesce(interrupted_ms, 0) else 0 end) / 60000.0') })
    .groupBy(keyCol)
    .orderBy(keyCol);
  return rows.map((r) => ({ key: r.k, label: r.l, count: Number(r.n), grantedMin: Number(r.g ?? 0), effectiveMin: Math.round(Number(r.e ?? 0)) }));
}

/** How many transmissions match (the report's preview). */
export async function countRegistryRows(db: Knex, filter: RegistryFilter): Promise<number> {
  const r = await filtered(db, filter).count<{ n: number }[]>({ n: '*' });
  return Number(r[0]?.n ?? 0);
}
