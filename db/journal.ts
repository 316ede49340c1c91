/**
 * The local journal: append-only (triggers refuse UPDATE and DELETE), hash-chained, one seq per
 * console with no gaps. An entry is acknowledged once its transaction has committed with
 * synchronous=FULL, and from then on it survives a crash.
 */
import { createHash, hash as cryptoHash, randomUUID } from 'node:crypto';
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

export interface JournalRow {
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

export function rowToEntry(r: JournalRow): JournalEntry {
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
      // payloadText is the payload's canonical form already: hashed as it is stored, not serialised again.
      const entry: JournalEntry = { ...base, hash: entryHash(base, payloadText) };
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
  /** The last entry that holds (seq 0 and the genesis hash for an empty journal). */
  head: ChainHead;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface VerifyOptions {
  pageSize?: number;
  /** Verify from this already verified entry on (incremental verification); default the genesis. */
  from?: ChainHead;
  /** Also parse every entry and check it against its schema (slow; for offline audits and tests). */
  deep?: boolean;
}

/**
 * A page of the chain with each row's hashed body built by SQLite from the stored columns, as
 * canonicalJson would write it (keys sorted; the payload column is stored canonical). Building it
 * there spares materialising every column in JS: the verification is then one SHA-256 per row.
 * Any row whose body SQLite writes differently (an odd character in a string) simply fails the
 * fast hash and goes to the full check, which decides.
 */
const BODY_SQL = `prev_hash || '{"actor":' || json_quote(actor) || ',"console_id":' || json_quote(console_id) || ',"kind":' || json_quote(kind) || ',"payload":' || payload || ',"prev_hash":' || json_quote(prev_hash) || ',"seq":' || seq || ',"ts":' || ts || ',"uuid":' || json_quote(uuid) || '}'`;

/** One-shot SHA-256 (crypto.hash, Node ≥ 20.12: half the cost of a Hash object per row), else the Hash object. */
const sha256Hex: (text: string) => string =
  typeof (cryptoHash as unknown) === 'function' ? (text) => cryptoHash('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');

interface HashedRow {
  seq: number;
  prev_hash: string;
  hash: string;
  /** What the hash covers: prev_hash, then the canonical entry without its hash. */
  body: string;
  /** The whole row, read up front in a deep verification. */
  full?: JournalRow;
}

/**
 * Re-checks the chain of one console page by page (keyset pagination, the next page read while
 * this one is hashed), so 100,000 entries verify in under a second and never sit in memory at
 * once. Names the first entry that does not hold. A row whose hash matches its stored bytes holds
 * exactly what was validated at append; a payload that breaks its schema yet carries a valid hash
 * could only come from someone able to rewrite the chain, which hashes alone cannot catch either,
 * so the schema pass over every row is left to `deep` (offline audits; append and the central
 * server validate anyway).
 */
export async function verifyChain(db: Knex, consoleId: string, opts: VerifyOptions | number = {}): Promise<ChainReport> {
  const o: VerifyOptions = typeof opts === 'number' ? { pageSize: opts } : opts;
  const pageSize = o.pageSize ?? 5000;
  let prev: ChainHead | undefined = o.from && o.from.seq > 0 ? o.from : undefined;
  let checked = 0;
  const head = (): ChainHead => prev ?? { seq: 0, hash: GENESIS_HASH };
  const page = async (after: number): Promise<HashedRow[]> => {
    if (o.deep) {
      const rows = await db<JournalRow>('journal').where({ console_id: consoleId }).andWhere('seq', '>', after).orderBy('seq').limit(pageSize);
      return rows.map((r) => ({ seq: r.seq, prev_hash: r.prev_hash, hash: r.hash, body: '', full: r }));
    }
    return db.raw(`SELECT seq, prev_hash, hash, ${BODY_SQL} AS body FROM journal WHERE console_id = ? AND seq > ? ORDER BY seq LIMIT ?`, [consoleId, after, pageSize]);
  };
  /** The full check of one row: names what is wrong, or clears a row the fast hash could not. */
  const fullCheck = async (r: HashedRow): Promise<EntryProblem | 'unreadable' | undefined> => {
    const row = r.full ?? (await db<JournalRow>('journal').where({ console_id: consoleId, seq: r.seq }).first());
    try {
      return checkEntry(rowToEntry(row!), prev);
    } catch {
      return 'unreadable';
    }
  };
  let next = page(prev?.seq ?? 0);
  for (;;) {
    const rows = await next;
    if (rows.length === pageSize) next = page(rows[rows.length - 1]!.seq);
    for (const row of rows) {
      const expectedSeq = (prev?.seq ?? 0) + 1;
      let problem: EntryProblem | 'unreadable' | undefined;
      if (row.seq !== expectedSeq) problem = 'gap';
      else if (row.prev_hash !== (prev?.hash ?? GENESIS_HASH)) problem = 'prev_hash';
      else if (o.deep || sha256Hex(row.body ?? '') !== row.hash) problem = await fullCheck(row);
      if (problem) {
        if (rows.length === pageSize) await next.catch(() => undefined);
        // A gap is reported at the first missing seq, everything else at the faulty entry.
        return { ok: false, checked, firstBrokenSeq: problem === 'gap' ? expectedSeq : row.seq, reason: problem, head: head() };
      }
      checked++;
      prev = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < pageSize) return { ok: true, checked, head: head() };
  }
}

/** This console's last seq (0 for an empty journal): one look-up in the primary key. */
export async function lastSeqOf(db: Knex, consoleId: string): Promise<number> {
  const row = await db<JournalRow>('journal').where({ console_id: consoleId }).orderBy('seq', 'desc').first('seq');
  return Number(row?.seq ?? 0);
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
