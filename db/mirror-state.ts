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

export interface BatchSignature {
  seq: number;
  hash: string;
  /** base64 Ed25519 signature of (console, seq, hash): db/journal-signature.ts signHead. */
  signature: string;
}

/** Keeps the signature of a batch the server accepted (a resent batch's second signature is ignored: the first stands). */
export async function saveBatchSignature(db: Knex, consoleId: string, s: BatchSignature & { at: number }): Promise<void> {
  await db('journal_signatures').insert({ console_id: consoleId, seq: s.seq, hash: s.hash, signature: s.signature, signed_at: s.at }).onConflict(['console_id', 'seq']).ignore();
}

/** The batch signatures on entries fromSeq..toSeq, in order. */
export async function batchSignaturesBetween(db: Knex, consoleId: string, fromSeq: number, toSeq: number): Promise<BatchSignature[]> {
  const rows = await db('journal_signatures').where({ console_id: consoleId }).whereBetween('seq', [fromSeq, toSeq]).orderBy('seq').select('seq', 'hash', 'signature');
  return rows.map((r: { seq: number; hash: string; signature: string }) => ({ seq: Number(r.seq), hash: r.hash, signature: r.signature }));
}
