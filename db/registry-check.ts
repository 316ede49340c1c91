/**
 * The registry view checked against, and rebuilt from, the journal in SQL (SQLite's JSON
 * functions): a 100,000-entry journal is projected in a fraction of a second, which a start-up
 * check can afford. db/registry-projection.ts keeps the view in step entry by entry; the two
 * must agree, and a clean journal with no difference is what the tests hold them to.
 */
import type { Knex } from 'knex';

const COLUMNS = ['grant_id', 'console_id', 'requested_at', 'starts_at', 'ends_at', 'granted_min', 'site_id', 'site_name', 'service_id', 'service_name', 'motive', 'justification', 'cameras', 'operator_matricule', 'operator_name', 'ended_at', 'end_reason', 'accepted_seq', 'ended_seq', 'interrupted_ms'] as const;

/** One row per request.accepted; its first transmission.ended; its interruptions before that end. */
const EXPECTED_SQL = `
WITH acc AS (
  SELECT console_id, seq, ts, payload, json_extract(payload, '$.grantId') AS gid FROM journal WHERE kind = 'request.accepted'
), ended AS (
  SELECT console_id, seq, json_extract(payload, '$.grantId') AS gid, json_extract(payload, '$.endedAt') AS ended_at, json_extract(payload, '$.reason') AS end_reason,
         row_number() OVER (PARTITION BY console_id, json_extract(payload, '$.grantId') ORDER BY seq) AS rn
  FROM journal WHERE kind = 'transmission.ended'
), intr AS (
  SELECT console_id, seq, json_extract(payload, '$.grantId') AS gid, max(0, json_extract(payload, '$.to') - json_extract(payload, '$.from')) AS ms
  FROM journal WHERE kind = 'transmission.interrupted'
)
SELECT acc.gid AS grant_id, acc.console_id, acc.ts AS requested_at,
  json_extract(acc.payload, '$.startsAt') AS starts_at, json_extract(acc.payload, '$.endsAt') AS ends_at, json_extract(acc.payload, '$.durationMin') AS granted_min,
  json_extract(acc.payload, '$.siteId') AS site_id, json_extract(acc.payload, '$.siteName') AS site_name,
  json_extract(acc.payload, '$.serviceId') AS service_id, json_extract(acc.payload, '$.serviceName') AS service_name,
  json_extract(acc.payload, '$.motive') AS motive, json_extract(acc.payload, '$.justification') AS justification,
  json(json_extract(acc.payload, '$.cameras')) AS cameras,
  json_extract(acc.payload, '$.operator.matricule') AS operator_matricule, json_extract(acc.payload, '$.operator.name') AS operator_name,
  e.ended_at, e.end_reason, acc.seq AS accepted_seq, e.seq AS ended_seq,
  COALESCE((SELECT sum(i.ms) FROM intr i WHERE i.console_id = acc.console_id AND i.gid = acc.gid AND i.seq > acc.seq AND (e.seq IS NULL OR i.seq < e.seq)), 0) AS interrupted_ms
FROM acc LEFT JOIN ended e ON e.console_id = acc.console_id AND e.gid = acc.gid AND e.rn = 1 AND e.seq > acc.seq`;

const STORED_SQL = `SELECT ${COLUMNS.map((c) => (c === 'cameras' ? 'json(cameras) AS cameras' : c)).join(', ')} FROM registry`;

export interface RegistryDifference {
  /** Grants whose row differs, is missing or is extra. */
  grants: number;
  /** The journal entry (accepted_seq) of the first of them: where the registry says something else. */
  firstSeq: number;
}

/** Compares the registry table with a projection of the journal; undefined when they agree. */
export async function registryDifference(db: Knex): Promise<RegistryDifference | undefined> {
  const cols = COLUMNS.join(', ');
  const rows: { accepted_seq: number | null; grant_id: string }[] = await db.raw(
    `WITH expected AS (${EXPECTED_SQL}), stored AS (${STORED_SQL}),
      diff AS (SELECT ${cols} FROM (SELECT ${cols} FROM expected EXCEPT SELECT ${cols} FROM stored)
               UNION ALL SELECT ${cols} FROM (SELECT ${cols} FROM stored EXCEPT SELECT ${cols} FROM expected))
     SELECT grant_id, accepted_seq FROM diff`,
  );
  if (rows.length === 0) return undefined;
  const grants = new Set(rows.map((r) => r.grant_id)).size;
  // A forged row may carry any accepted_seq; the journal's own seq for that grant wins when there is one.
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
