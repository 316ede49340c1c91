/**
 * What this console knows of the central server's catalogue (issue G2, several consoles): the
 * version it last applied, when it last asked, whether the server lets it publish. Kept in
 * `catalogue_meta` beside the local version, so a console that starts offline still says which
 * central version its catalogue is.
 */
import type { Knex } from 'knex';

export interface CentralCatalogueState {
  version: number | null;
  sha256: string | null;
  publishedAt: number | null;
  publishedBy: string | null;
  checkedAt: number | null;
  canPublish: boolean;
}

const KEYS = { version: 'central.version', sha256: 'central.sha256', publishedAt: 'central.published_at', publishedBy: 'central.published_by', checkedAt: 'central.checked_at', canPublish: 'central.can_publish' } as const;

export async function readCentralState(db: Knex): Promise<CentralCatalogueState> {
  const rows: { key: string; value: string }[] = await db('catalogue_meta').whereIn('key', Object.values(KEYS)).select('key', 'value');
  const m = new Map(rows.map((r) => [r.key, r.value]));
  const num = (k: string) => (m.has(k) ? Number(m.get(k)) : null);
  return { version: num(KEYS.version), sha256: m.get(KEYS.sha256) ?? null, publishedAt: num(KEYS.publishedAt), publishedBy: m.get(KEYS.publishedBy) ?? null, checkedAt: num(KEYS.checkedAt), canPublish: m.get(KEYS.canPublish) === '1' };
}

export async function saveCentralState(db: Knex, patch: Partial<CentralCatalogueState>): Promise<void> {
  const rows = (Object.keys(patch) as (keyof CentralCatalogueState)[])
    .filter((k) => patch[k] !== undefined && patch[k] !== null)
    .map((k) => ({ key: KEYS[k], value: k === 'canPublish' ? (patch[k] ? '1' : '0') : String(patch[k]) }));
  if (rows.length > 0) await db('catalogue_meta').insert(rows).onConflict('key').merge();
}
