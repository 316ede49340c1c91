/** The mirror's outbox cursor: what the central server has acknowledged, per console. */
import type { Knex } from 'knex';

interface MirrorStateRow {
  console_id: string;
  acked_seq: number;
  acked_hash: string | null;
  updated_at: number | string;
}

export async function mirrorAckedSeq(db: Knex, consoleId: string): Promise<number> {
  const row = await db<MirrorStateRow>('mirror_state').where({ console_id: consoleId }).first('acked_seq');
  return Number(row?.acked_seq ?? 0);
}

export async function saveMirrorAck(db: Knex, consoleId: string, ack: { seq: number; hash: string | null; at: number }): Promise<void> {
  await db<MirrorStateRow>('mirror_state').insert({ console_id: consoleId, acked_seq: ack.seq, acked_hash: ack.hash, updated_at: ack.at }).onConflict('console_id').merge();
}
