/**
 * The one registry report model (DOMAIN.md, « What a registry report holds »), built from the
 * journal's registry view in db/ — never from the renderer's state — and rendered by pdf.ts and
 * csv.ts. Everything but the transmissions is small and computed up front (totals by SQLite);
 * the transmissions are an async iterator read a page at a time.
 */
import type { Knex } from 'knex';
import { listServices, listSites } from '../../db/catalogue';
import { countEntriesAfter, entriesOfKinds } from '../../db/journal';
import { mirrorAckedSeq } from '../../db/mirror-state';
import { countRegistryRows, iterateRegistryRows, registryTotals, type RegistryFilter, type RegistryRow, type RegistryTotal, type TotalDimension } from '../../db/registry';
import type { MirrorStatusView, Motive } from '../../preload/contract';
import { AppError } from '../errors';
import { periodRange, type ReportPeriod } from './period';

export interface ReportFilters {
  period: ReportPeriod;
  siteId?: string | undefined;
  bailleurId?: string | undefined;
  serviceId?: string | undefined;
  motive?: Motive | undefined;
  operator?: string | undefined;
}

/** The filters checked against the catalogue, with the names the report prints. */
export interface ResolvedFilters {
  period: { first: string; last: string; from: number; to: number };
  registry: RegistryFilter;
  labels: { site?: string; bailleur?: string; service?: string; motive?: Motive; operator?: string };
  /** What report.generated records (ids, not names: names can change). */
  journal: Record<string, unknown>;
}

export async function resolveFilters(db: Knex, consoleId: string, f: ReportFilters): Promise<ResolvedFilters> {
  const period = periodRange(f.period);
  const registry: RegistryFilter = { from: period.from, to: period.to, consoleId };
  const labels: ResolvedFilters['labels'] = {};
  const sites = await listSites(db);
  if (f.siteId) {
    const site = sites.find((s) => s.id === f.siteId);
    if (!site) throw new AppError('SITE_UNKNOWN', `unknown site ${f.siteId}`);
    registry.siteId = site.id;
    labels.site = site.name;
  }
  if (f.bailleurId) {
    const theirs = sites.filter((s) => s.bailleurId === f.bailleurId);
    if (theirs.length === 0) throw new AppError('BAILLEUR_UNKNOWN', `unknown bailleur ${f.bailleurId}`);
    registry.siteIds = theirs.map((s) => s.id);
    labels.bailleur = theirs[0]!.bailleurName;
  }
  if (f.serviceId) {
    const service = (await listServices(db)).find((s) => s.id === f.serviceId);
    if (!service) throw new AppError('SERVICE_UNKNOWN', `unknown service ${f.serviceId}`);
    registry.serviceId = service.id;
    labels.service = service.name;
  }
  if (f.motive) {
    registry.motive = f.motive;
    labels.motive = f.motive;
  }
  if (f.operator) {
    registry.operator = f.operator;
    labels.operator = f.operator;
  }
  const journal: Record<string, unknown> = { period: f.period, from: period.from, to: period.to };
  for (const k of ['siteId', 'bailleurId', 'serviceId', 'motive', 'operator'] as const) if (f[k]) journal[k] = f[k];
  return { period, registry, labels, journal };
}

export interface RefusedRow {
  ts: number;
  operator: string;
  siteId: string | undefined;
  siteName: string | undefined;
  motive: string | undefined;
  durationMin: number | undefined;
  reasons: string[];
}

/** The report lists at most this many refused requests (newest kept); the count says how many there were. */
export const MAX_REFUSED_LISTED = 2000;

export async function refusedRequests(db: Knex, consoleId: string, r: ResolvedFilters): Promise<{ rows: RefusedRow[]; truncated: boolean }> {
  const names = new Map((await listSites(db)).map((s) => [s.id, s.name]));
  const f = r.registry;
  const entries = await entriesOfKinds(db, consoleId, ['request.refused'], { from: r.period.from, to: r.period.to }, MAX_REFUSED_LISTED + 1);
  const rows: RefusedRow[] = [];
  for (const e of entries.slice(0, MAX_REFUSED_LISTED)) {
    const p = e.payload as { siteId?: string; motive?: string; durationMin?: number; serviceId?: string; operator: string; reasons: string[] };
    if (f.siteId && p.siteId !== f.siteId) continue;
    if (f.siteIds && !(p.siteId && f.siteIds.includes(p.siteId))) continue;
    if (f.serviceId && p.serviceId !== f.serviceId) continue;
    if (f.motive && p.motive !== f.motive) continue;
    if (f.operator && p.operator !== f.operator) continue;
    rows.push({ ts: e.ts, operator: p.operator, siteId: p.siteId, siteName: p.siteId ? (names.get(p.siteId) ?? p.siteId) : undefined, motive: p.motive, durationMin: p.durationMin, reasons: p.reasons });
  }
  return { rows: rows.reverse(), truncated: entries.length > MAX_REFUSED_LISTED };
}

export type Totals = Record<TotalDimension, RegistryTotal[]>;

export async function totals(db: Knex, f: RegistryFilter): Promise<Totals> {
  const [motive, site, service, operator] = await Promise.all((['motive', 'site', 'service', 'operator'] as const).map((by) => registryTotals(db, f, by)));
  return { motive: motive!, site: site!, service: service!, operator: operator! };
}

/** The journal's verification as the report prints it. */
export interface Verification {
  ok: boolean;
  /** The last entry the chain vouches for. */
  verifiedSeq: number;
  headHash: string;
  firstBrokenSeq?: number | undefined;
  reason?: string | undefined;
}

/** The mirror as the report prints it: entries not yet at the central server, or none configured. */
export interface MirrorSummary {
  state: MirrorStatusView['state'];
  pending: number | null;
}

export async function mirrorSummary(db: Knex, consoleId: string, status: MirrorStatusView): Promise<MirrorSummary> {
  if (status.state === 'not_configured') return { state: status.state, pending: null };
  // Counted from the acknowledged cursor now, not from the last status event (which may be old).
  return { state: status.state, pending: await countEntriesAfter(db, consoleId, await mirrorAckedSeq(db, consoleId)) };
}

export interface ReportModel {
  organisation: { commune: string; csuName: string };
  consoleId: string;
  generatedAt: number;
  generatedBy: { matricule: string; name: string };
  filters: ResolvedFilters;
  source: { kind: 'local'; consoleId: string; readAt: number };
  verification: Verification;
  mirror: MirrorSummary;
  count: number;
  totals: Totals;
  refused: { rows: RefusedRow[]; truncated: boolean };
  /** The transmissions in start order, read from the database a page at a time. */
  rows: () => AsyncGenerator<RegistryRow>;
}

export async function countsPreview(db: Knex, consoleId: string, r: ResolvedFilters): Promise<{ transmissions: number; refused: number; totals: Totals }> {
  const [transmissions, refused, t] = await Promise.all([countRegistryRows(db, r.registry), refusedRequests(db, consoleId, r), totals(db, r.registry)]);
  return { transmissions, refused: refused.rows.length, totals: t };
}

export function rowsOf(db: Knex, r: ResolvedFilters): () => AsyncGenerator<RegistryRow> {
  return () => iterateRegistryRows(db, r.registry);
}
