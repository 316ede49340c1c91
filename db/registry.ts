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
}

export async function registryRows(db: Knex, filter: RegistryFilter = {}, limit = 5000): Promise<RegistryRow[]> {
  const q = db<RegistryDbRow>('registry').orderBy('starts_at', 'asc').limit(limit);
  if (filter.from !== undefined) q.where('starts_at', '>=', filter.from);
  if (filter.to !== undefined) q.where('starts_at', '<', filter.to);
  if (filter.siteId) q.where('site_id', filter.siteId);
  if (filter.serviceId) q.where('service_id', filter.serviceId);
  if (filter.motive) q.where('motive', filter.motive);
  if (filter.consoleId) q.where('console_id', filter.consoleId);
  if (filter.operator) q.where('operator_matricule', filter.operator);
  const rows: RegistryDbRow[] = await q;
  return rows.map(registryRowOf);
}

/** One stored registry row as the screens and reports read it. */
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
  };
}
