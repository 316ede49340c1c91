/**
 * The local journal: append-only (triggers refuse UPDATE and DELETE), hash-chained, one seq per
 * console with no gaps. An entry is acknowledged once its transaction has committed with
 * synchronous=FULL, and from then on it survives a crash.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { DbError } from './errors';
import { canonicalJson, checkEntry, entryHash, GENESIS_HASH, MAX_PAYLOAD_BYTES, type EntryProblem, type JournalEntry } from './journal-codec';
import { isEntryKind, payloadSchemaOf, type EntryKind, type PayloadOf } from './journal-kinds';
import { applyToRegistry } from './registry-projection';

export interface AppendInput<K extends EntryKind = EntryKind> {
  kind: K;
  actor: string;
  payload: PayloadOf<K>;
  ts: number;
}

interface JournalRow {
  console_id: string;
  seq: number;
  uuid: string;
  ts: number;
  kind: string;
  actor: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

function rowToEntry(r: JournalRow): JournalEntry {
  return { seq: r.seq, uuid: r.uuid, console_id: r.console_id, ts: Number(r.ts), kind: r.kind as EntryKind, actor: r.actor, payload: JSON.parse(r.payload), prev_hash: r.prev_hash, hash: r.hash };
}

function validate(input: AppendInput): { payloadText: string } {
  if (typeof input.kind !== 'string' || !isEntryKind(input.kind)) {
    throw new DbError('JOURNAL_INVALID_ENTRY', `unknown journal entry kind ${String(input.kind).slice(0, 60)}`);
  }
  if (typeof input.actor !== 'string' || input.actor.length < 1 || input.actor.length > 64) {
    throw new DbError('JOURNAL_INVALID_ENTRY', 'actor must be 1 to 64 characters');
  }
  if (!Number.isSafeInteger(input.ts) || input.ts < 0) throw new DbError('JOURNAL_INVALID_ENTRY', 'ts must be ms since the epoch');
  let payloadText: string;
  try {
    payloadText = canonicalJson(input.payload);
  } catch (err) {
    throw new DbError('JOURNAL_INVALID_ENTRY', `payload is not serialisable: ${(err as Error).message}`);
  }
  if (Buffer.byteLength(payloadText) > MAX_PAYLOAD_BYTES) {
    throw new DbError('JOURNAL_PAYLOAD_TOO_LARGE', `payload of ${input.kind} exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  }
  const parsed = payloadSchemaOf(input.kind).safeParse(input.payload);
  if (!parsed.success) {
    throw new DbError('JOURNAL_INVALID_ENTRY', `invalid ${input.kind} payload`, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return { payloadText };
}

export async function lastEntry(db: Knex, consoleId: string): Promise<JournalEntry | undefined> {
  const row = await db<JournalRow>('journal').where({ console_id: consoleId }).orderBy('seq', 'desc').first();
  return row ? rowToEntry(row) : undefined;
}

/**
 * Appends entries in one transaction, in order, and updates the registry view in the same
 * transaction. Everything is validated first: an invalid entry writes nothing at all.
 */
export async function appendEntries(db: Knex, consoleId: string, inputs: AppendInput[]): Promise<JournalEntry[]> {
  const checked = inputs.map((i) => ({ input: i, ...validate(i) }));
  return db.transaction(async (trx) => {
    const last = await trx<JournalRow>('journal').where({ console_id: consoleId }).orderBy('seq', 'desc').first('seq', 'hash');
    let seq = last?.seq ?? 0;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const written: JournalEntry[] = [];
    for (const { input, payloadText } of checked) {
      seq += 1;
      const base = { seq, uuid: randomUUID(), console_id: consoleId, ts: input.ts, kind: input.kind, actor: input.actor, payload: JSON.parse(payloadText) as unknown, prev_hash: prevHash };
      const entry: JournalEntry = { ...base, hash: entryHash(base) };
      await trx('journal').insert({ ...entry, payload: payloadText });
      await applyToRegistry(trx, entry);
      written.push(entry);
      prevHash = entry.hash;
    }
    return written;
  });
}

export async function appendEntry<K extends EntryKind>(db: Knex, consoleId: string, input: AppendInput<K>): Promise<JournalEntry> {
  const [entry] = await appendEntries(db, consoleId, [input as AppendInput]);
  return entry!;
}

/** Entries after `afterSeq`, in order (the mirror's batches, report extracts). */
export async function entriesAfter(db: Knex, consoleId: string, afterSeq: number, limit: number): Promise<JournalEntry[]> {
  const rows = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('seq', '>', afterSeq).orderBy('seq').limit(limit);
  return rows.map(rowToEntry);
}

/**
 * This console's entries of the given kinds written since `sinceTs`, oldest first. Reads back
 * from the end by seq (the primary key; entries are appended in time order), a page at a time,
 * so a long journal is not scanned for a recent hour.
 */
export async function recentEntries(db: Knex, consoleId: string, kinds: readonly EntryKind[], sinceTs: number, pageSize = 500): Promise<JournalEntry[]> {
  const found: JournalEntry[] = [];
  let beforeSeq = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('seq', '<', beforeSeq).orderBy('seq', 'desc').limit(pageSize);
    for (const r of rows) if (Number(r.ts) >= sinceTs && (kinds as readonly string[]).includes(r.kind)) found.push(rowToEntry(r));
    if (rows.length < pageSize || Number(rows[rows.length - 1]!.ts) < sinceTs) break;
    beforeSeq = rows[rows.length - 1]!.seq;
  }
  return found.reverse();
}

/** Entries of the given kinds in a period (ms, `to` exclusive), newest first, at most `limit` (the registry's event list). */
export async function entriesOfKinds(db: Knex, consoleId: string, kinds: readonly EntryKind[], period: { from?: number; to?: number }, limit = 1000): Promise<JournalEntry[]> {
  const q = db<JournalRow>('journal').where({ console_id: consoleId }).whereIn('kind', kinds as EntryKind[]).orderBy('seq', 'desc').limit(limit);
  if (period.from !== undefined) q.andWhere('ts', '>=', period.from);
  if (period.to !== undefined) q.andWhere('ts', '<', period.to);
  return (await q).map(rowToEntry);
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
  reason?: EntryProblem | 'unreadable';
}

/**
 * Re-checks the whole chain of one console page by page (keyset pagination), so a registry of
 * 100,000 entries never sits in memory at once. Names the first entry that does not hold.
 */
export async function verifyChain(db: Knex, consoleId: string, pageSize = 2000): Promise<ChainReport> {
  let prev: { seq: number; hash: string } | undefined;
  let checked = 0;
  for (;;) {
    const rows = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('seq', '>', prev?.seq ?? 0).orderBy('seq').limit(pageSize);
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      let entry: JournalEntry;
      try {
        entry = rowToEntry(row);
      } catch {
        return { ok: false, checked, firstBrokenSeq: row.seq, reason: 'unreadable' };
      }
      const problem = checkEntry(entry, prev);
      if (problem) {
        // A gap is reported at the first missing seq, everything else at the faulty entry.
        const at = problem === 'gap' ? (prev?.seq ?? 0) + 1 : row.seq;
        return { ok: false, checked, firstBrokenSeq: at, reason: problem };
      }
      checked++;
      prev = { seq: entry.seq, hash: entry.hash };
    }
  }
}

/** How many of this console's entries come after `afterSeq` (the mirror's outbox size). */
export async function countEntriesAfter(db: Knex, consoleId: string, afterSeq: number): Promise<number> {
  const r = await db('journal').where({ console_id: consoleId }).andWhere('seq', '>', afterSeq).count<{ n: number }[]>('* as n');
  return Number(r[0]?.n ?? 0);
}

/** This console's latest entry of one kind, if any. */
export async function lastEntryOfKind<K extends EntryKind>(db: Knex, consoleId: string, kind: K): Promise<(JournalEntry & { kind: K; payload: PayloadOf<K> }) | undefined> {
  const row = await db<JournalRow>('journal').where({ console_id: consoleId, kind }).orderBy('seq', 'desc').first();
  return row ? (rowToEntry(row) as JournalEntry & { kind: K; payload: PayloadOf<K> }) : undefined;
}

/** Consoles whose entries this database holds (normally one: its own). */
export async function journalConsoles(db: Knex): Promise<string[]> {
  const rows: { console_id: string }[] = await db('journal').distinct('console_id');
  return rows.map((r) => r.console_id);
}

export type { JournalEntry };
