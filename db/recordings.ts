/** Queries of the recordings' journal entries (issue G3): what the chain says was recorded, and destroyed. */
import type { Knex } from 'knex';
import type { PayloadOf } from './journal-kinds';

export interface SegmentEntry extends PayloadOf<'recording.segment'> {
  seq: number;
}

/** The journaled segments of one grant's camera, oldest first. */
export async function segmentEntries(db: Knex, consoleId: string, grantId: string, cameraId?: string): Promise<SegmentEntry[]> {
  const q = db('journal').where({ console_id: consoleId, kind: 'recording.segment' }).andWhereRaw("json_extract(payload, '$.grantId') = ?", [grantId]);
  if (cameraId) q.andWhereRaw("json_extract(payload, '$.cameraId') = ?", [cameraId]);
  const rows: { seq: number; payload: string }[] = await q.select('seq', 'payload').orderBy('seq');
  return rows.map((r) => ({ ...(JSON.parse(r.payload) as PayloadOf<'recording.segment'>), seq: Number(r.seq) })).sort((a, b) => a.start - b.start);
}

/**
 * Which grants' cameras have journaled segments sealed in [from, to + slack): the timeline marks
 * their bars as recorded. Ordered by the (console_id, ts) index; a segment is sealed at most a
 * grant's length (12 h) after the period's transmissions start.
 */
export async function recordedInPeriod(db: Knex, consoleId: string, from: number, to: number): Promise<Set<string>> {
  // Where no convention ever allowed recording, nothing was recorded: the period's entries need no scan.
  const allowed = await db('conventions').where({ recording_allowed: true }).first('id');
  if (!allowed) return new Set();
  const rows: { g: string | null; c: string | null }[] = await db('journal')
    .where({ console_id: consoleId })
    .andWhere('ts', '>=', from)
    .andWhere('ts', '<', to + 12 * 3600000)
    .andWhere('kind', 'recording.segment')
    .distinct(db.raw("json_extract(payload, '$.grantId') as g"), db.raw("json_extract(payload, '$.cameraId') as c"));
  return new Set(rows.map((r) => `${r.g}/${r.c}`));
}

/** Grants whose recordings a purge destroyed (the review says « détruit » rather than « manquant »). */
export async function purgedGrants(db: Knex, consoleId: string, grantId: string): Promise<boolean> {
  const r = await db('journal').where({ console_id: consoleId, kind: 'recording.purged' }).andWhereRaw("EXISTS (SELECT 1 FROM json_each(json_extract(payload, '$.grants')) WHERE json_extract(value, '$.grantId') = ?)", [grantId]).first('seq');
  return !!r;
}
