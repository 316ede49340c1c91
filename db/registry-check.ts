/**
 * The registry view checked against, and rebuilt from, the journal in SQL (SQLite's JSON
 * functions): a 100,000-entry journal is projected in a fraction of a second, which a start-up
 * check can afford. db/registry-projection.ts keeps the view in step entry by entry; the two
 * must agree, and a clean journal with no difference is what the tests hold them to.
 */
import type { Knex } from 'knex';

const COLUMNS = ['grant_id', 'console_id', 'requested_at', 'starts_at', 'ends_at', 'granted_min', 'site_id', 'site_name', 'service_id', 'service_name', 'motive', 'justification', 'cameras', 'operator_matricule', 'operator_name', 'ended_at', 'end_reason', 'accepted_seq', 'ended_seq', 'interrupted_ms'] as const;

/**
 * One row per request.accepted; its first transmission.ended; its interruptions before that end.
 * Each part is grouped once and joined on (console, grant): no per-row subquery, so the cost
 * stays linear in the journal (100,000 entries in a few hundred ms).
 */
const EXPECTED_SQL = `
WITH acc AS MATERIALIZED (
  SELECT console_id, seq, ts, payload, json_extract(payload, '$.grantId') AS gid FROM journal WHERE kind = 'request.accepted'
), ended_first AS MATERIALIZED (
  SELECT console_id, json_extract(payload, '$.grantId') AS gid, min(seq) AS seq FROM journal WHERE kind = 'transmission.ended' GROUP BY 1, 2
), ended AS MATERIALIZED (
  SELECT f.console_id, f.gid, f.seq, json_extract(j.payload, '$.endedAt') AS ended_at, json_extract(j.payload, '$.reason') AS end_reason
  FROM ended_first f JOIN journal j ON j.console_id = f.console_id AND j.seq = f.seq
), intr AS MATERIALIZED (
  SELECT i.console_id, i.gid, sum(i.ms) AS ms
  FROM (SELECT console_id, seq, json_extract(payload, '$.grantId') AS gid, max(0, json_extract(payload, '$.to') - json_extract(payload, '$.from')) AS ms FROM journal WHERE kind = 'transmission.interrupted') i
  LEFT JOIN ended_first e ON e.console_id = i.console_id AND e.gid = i.gid
  WHERE e.seq IS NULL OR i.seq < e.seq
  GROUP BY 1, 2
)
SELECT acc.gid AS grant_id, acc.console_id, acc.ts AS requested_at,
  json_extract(acc.payload, '$.startsAt') AS starts_at, json_extract(acc.payload, '$.endsAt') AS ends_at, json_extract(acc.payload, '$.durationMin') AS granted_min,
  json_extract(acc.payload, '$.siteId') AS site_id, json_extract(acc.payload, '$.siteName') AS site_name,
  json_extract(acc.payload, '$.serviceId') AS service_id, json_extract(acc.payload, '$.serviceName') AS service_name,
  json_extract(acc.payload, '$.motive') AS motive, json_extract(acc.payload, '$.justification') AS justification,
  json(json_extract(acc.payload, '$.cameras')) AS cameras,
  json_extract(acc.payload, '$.operator.matricule') AS operator_matricule, json_extract(acc.payload, '$.operator.name') AS operator_name,
  e.ended_at, e.end_reason, acc.seq AS accepted_seq, e.seq AS ended_seq, COALESCE(intr.ms, 0) AS interrupted_ms
FROM acc
LEFT JOIN ended e ON e.console_id = acc.console_id AND e.gid = acc.gid
LEFT JOIN intr ON intr.console_id = acc.console_id AND intr.gid = acc.gid`;

export interface RegistryDifference {
  /** Grants whose row differs, is missing or is extra. */
  grants: number;
  /** The journal entry (accepted_seq) of the first of them: where the registry says something else. */
  firstSeq: number;
}

/**
 * Compares the registry table with a projection of the journal; undefined when they agree. Rows
 * are matched on their grant (the table's primary key), column by column; then the table's rows
 * the journal has no grant for.
 */
export async function registryDifference(db: Knex): Promise<RegistryDifference | undefined> {
  const same = COLUMNS.filter((c) => c !== 'grant_id')
    .map((c) => (c === 'cameras' ? '(r.cameras IS e.cameras OR json(r.cameras) IS e.cameras)' : `r.${c} IS e.${c}`))
    .join(' AND ');
  const rows: { accepted_seq: number | null; grant_id: string }[] = await db.raw(
    `WITH e AS MATERIALIZED (${EXPECTED_SQL})
     SELECT e.grant_id, e.accepted_seq FROM e LEFT JOIN registry r ON r.grant_id = e.grant_id WHERE r.grant_id IS NULL OR NOT (${same})
     UNION ALL
     SELECT r.grant_id, r.accepted_seq FROM registry r WHERE r.grant_id NOT IN (SELECT grant_id FROM e)`,
  );
  if (rows.length === 0) return undefined;
  const grants = new Set(rows.map((r) => r.grant_id)).size;
  // A forged row may carry any accepted_seq; the journal's own seq for that grant comes first in the list.
  const seqs = rows.map((r) => Number(r.accepted_seq)).filter((n) => Number.isSafeInteger(n) && n > 0);
  return { grants, firstSeq: seqs.length ? Math.min(...seqs) : 0 };
}

/** Replaces the registry table with the journal's projection, in one transaction (the guard opens only inside it). */
export async function rebuildRegistryFromJournal(db: Knex): Promise<number> {
  return db.transaction(async (trx) => {
    await trx('registry_guard').where({ id: 1 }).update({ rebuilding: 1 });
    await trx.raw('DELETE FROM registry');
    await trx.raw(`INSERT INTO registry (${COLUMNS.join(', ')}) SELECT ${COLUMNS.join(', ')} FROM (${EXPECTED_SQL})`);
    await trx('registry_guard').where({ id: 1 }).update({ rebuilding: 0 });
    const row = await trx('registry').count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  });
}
