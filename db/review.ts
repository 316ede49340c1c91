/** Queries of the incident review (issue G3): what the journal and the registry say of a period. */
import type { Knex } from 'knex';
import { rowToEntry, type JournalRow } from './journal';
import type { JournalEntry } from './journal-codec';
import { registryRowOf } from './registry';
import type { RegistryRow } from './registry';
import type { RegistryDbRow } from './rows';

/** Transmissions that overlap [from, to): started before its end, not ended before its start. */
export async function registryOverlapping(db: Knex, consoleId: string, from: number, to: number): Promise<RegistryRow[]> {
  const rows: RegistryDbRow[] = await db<RegistryDbRow>('registry')
    .where({ console_id: consoleId })
    .andWhere('starts_at', '<', to)
    .andWhere((q) => q.whereNull('ended_at').orWhere('ended_at', '>=', from))
    .orderBy('starts_at');
  return rows.map(registryRowOf);
}

/**
 * Entries written in [from, to), oldest first, at most `limit`. Ordered by time, the order of the
 * (console_id, ts) index: ordered by seq, SQLite would sort the whole period before the limit.
 */
export async function entriesInPeriod(db: Knex, consoleId: string, from: number, to: number, limit: number): Promise<JournalEntry[]> {
  // A recorded camera seals a segment a minute: its bar says « recorded », the player shows the
  // segments; as markers they would crowd out every other event of a long period.
  const rows: JournalRow[] = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('ts', '>=', from).andWhere('ts', '<', to).andWhereNot('kind', 'recording.segment').orderBy('ts').limit(limit);
  return rows.map(rowToEntry);
}

export async function entryBySeq(db: Knex, consoleId: string, seq: number): Promise<JournalEntry | undefined> {
  const row: JournalRow | undefined = await db<JournalRow>('journal').where({ console_id: consoleId, seq }).first();
  return row ? rowToEntry(row) : undefined;
}

/** The seq range of the entries written in [from, to) (none: undefined). */
export async function seqRangeOfPeriod(db: Knex, consoleId: string, from: number, to: number): Promise<{ first: number; last: number } | undefined> {
  const r: { first: number | null; last: number | null } | undefined = await db('journal').where({ console_id: consoleId }).andWhere('ts', '>=', from).andWhere('ts', '<', to).first(db.raw('min(seq) as first'), db.raw('max(seq) as last'));
  return r && r.first !== null && r.last !== null ? { first: Number(r.first), last: Number(r.last) } : undefined;
}

/** Entries fromSeq..toSeq (inclusive), a page at a time, for an extract that never sits whole in memory. */
export async function* entriesBetween(db: Knex, consoleId: string, fromSeq: number, toSeq: number, pageSize = 2000): AsyncGenerator<JournalEntry> {
  let after = fromSeq - 1;
  while (after < toSeq) {
    const rows: JournalRow[] = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('seq', '>', after).andWhere('seq', '<=', toSeq).orderBy('seq').limit(pageSize);
    if (rows.length === 0) return;
    for (const r of rows) yield rowToEntry(r);
    after = rows[rows.length - 1]!.seq;
  }
}

/** How many of this console's entries fall in [from, to) (the timeline says so when it shows only the first ones). */
export async function countEntriesInPeriod(db: Knex, consoleId: string, from: number, to: number): Promise<number> {
  const r: { n: number } | undefined = await db('journal').where({ console_id: consoleId }).andWhere('ts', '>=', from).andWhere('ts', '<', to).andWhereNot('kind', 'recording.segment').first(db.raw('count(*) as n'));
  return Number(r?.n ?? 0);
}
