/**
 * The grants the journal itself shows open (accepted, never ended), read from the journal and
 * never from the registry view: the view is derived and can be edited by whoever holds the file.
 */
import type { Knex } from 'knex';
import { payloadSchemas, type PayloadOf } from './journal-kinds';

export interface OpenGrantEntry {
  acceptedSeq: number;
  accepted: PayloadOf<'request.accepted'>;
  /** Who holds it now: the requester, or the last operator who took it over. */
  holder: string;
}

export async function openGrantsInJournal(db: Knex, consoleId: string): Promise<OpenGrantEntry[]> {
  const rows: { seq: number; payload: string }[] = await db.raw(
    `SELECT seq, payload FROM journal WHERE console_id = ? AND kind = 'request.accepted'
       AND json_extract(payload, '$.grantId') NOT IN (SELECT json_extract(payload, '$.grantId') FROM journal WHERE console_id = ? AND kind = 'transmission.ended')
     ORDER BY seq`,
    [consoleId, consoleId],
  );
  const open: OpenGrantEntry[] = [];
  for (const r of rows) {
    const parsed = payloadSchemas['request.accepted'].safeParse(JSON.parse(r.payload));
    if (parsed.success) open.push({ acceptedSeq: Number(r.seq), accepted: parsed.data, holder: parsed.data.operator.matricule });
  }
  if (open.length === 0) return open;
  const takeovers: { seq: number; payload: string }[] = await db.raw(`SELECT seq, payload FROM journal WHERE console_id = ? AND kind = 'grant.taken_over' ORDER BY seq`, [consoleId]);
  const byId = new Map(open.map((g) => [g.accepted.grantId, g]));
  for (const t of takeovers) {
    const p = payloadSchemas['grant.taken_over'].safeParse(JSON.parse(t.payload));
    const g = p.success ? byId.get(p.data.grantId) : undefined;
    if (g && p.success && Number(t.seq) > g.acceptedSeq) g.holder = p.data.to;
  }
  return open;
}
