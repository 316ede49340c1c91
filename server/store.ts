/**
 * What the central server does with a console's journal: store batches exactly as received,
 * idempotently, in one transaction, and only if they extend that console's chain.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { canonicalJson, checkParsedEntry, JournalEntrySchema, type JournalEntry } from '../db/journal-codec';
import { isUniqueViolation } from './errors';
import { applyBatchToRegistry } from './registry-batch';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Registers a console or a reader; returns the token, which is stored only as its SHA-256. */
export async function issueToken(db: Knex, table: 'consoles' | 'readers', id: string, now: number, opts: { rotate?: boolean } = {}): Promise<string> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/.test(id)) throw new Error('id: letters, digits, _ and -, 3 to 64 characters');
  const token = randomBytes(32).toString('base64url');
  if (opts.rotate) {
    await db(table).insert({ id, token_sha256: sha256(token), created_at: now }).onConflict('id').merge();
    return token;
  }
  // Re-keying silently would cut off the console that holds the old token: say so, ask for --rotate.
  const inserted = await db(table).insert({ id, token_sha256: sha256(token), created_at: now }).onConflict('id').ignore().returning('id');
  if (inserted.length === 0) throw new AlreadyRegistered(table, id);
  return token;
}

export class AlreadyRegistered extends Error {
  constructor(table: 'consoles' | 'readers', id: string) {
    super(`${table === 'consoles' ? 'console' : 'reader'} ${id} is already registered; add --rotate to issue a new token (the old one stops working at once)`);
  }
}

export type Auth = { ok: true } | { ok: false; status: 401 | 403 };

/** The bearer token must be this console's; another console's token is 403, anything else 401. */
export async function checkToken(db: Knex, table: 'consoles' | 'readers', id: string | undefined, token: string | undefined): Promise<Auth> {
  if (!token) return { ok: false, status: 401 };
  const hash = sha256(token);
  if (id !== undefined) {
    const row = await db(table).where({ id }).first('token_sha256');
    if (row && sameHash(row.token_sha256, hash)) return { ok: true };
    const other = await db(table).where({ token_sha256: hash }).first('id');
    return { ok: false, status: other ? 403 : 401 };
  }
  const any = await db(table).where({ token_sha256: hash }).first('token_sha256');
  return any && sameHash(any.token_sha256, hash) ? { ok: true } : { ok: false, status: 401 };
}

/**
 * checkToken for a console, with what the journal route needs next (does it sign, with which
 * key) read in the same query: one round trip fewer per batch, on a server that takes hundreds.
 */
export async function checkConsole(db: Knex, id: string, token: string | undefined): Promise<(Auth & { ok: false }) | { ok: true; signed: boolean; publicKey: string | null }> {
  if (!token) return { ok: false, status: 401 };
  const hash = sha256(token);
  const row = await db('consoles').where({ id }).first('token_sha256', 'signed', 'public_key');
  if (row && sameHash(row.token_sha256, hash)) return { ok: true, signed: Boolean(row.signed), publicKey: (row.public_key as string | null) ?? null };
  const other = await db('consoles').where({ token_sha256: hash }).first('id');
  return { ok: false, status: other ? 403 : 401 };
}

export async function ackOf(db: Knex, consoleId: string): Promise<{ seq: number; hash: string | null }> {
  const row = await db('journal').where({ console_id: consoleId }).orderBy('seq', 'desc').first('seq', 'hash');
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: null };
}

export type IngestResult =
  | { status: 200; ackSeq: number; ackHash: string | null; stored: number }
  | { status: 409; kind: ConflictKind; seq: number; expectedSeq: number; reason: string }
  | { status: 400; reason: string };

/**
 * Why a batch was refused, so the console knows what it may do: a `gap` (the server is behind,
 * e.g. restored from a backup) can be repaired by resending from GET /ack; a `divergence` (another
 * entry at a stored seq, or a chain that does not link), an `invalid` entry or a `duplicate` uuid
 * cannot, and stop the mirror.
 */
export type ConflictKind = 'gap' | 'divergence' | 'invalid' | 'duplicate';

class Conflict extends Error {
  constructor(
    readonly kind: ConflictKind,
    /** The seq of the entry in conflict. */
    readonly seq: number,
    /** The seq the server would store next. */
    readonly expectedSeq: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const ENTRY_FIELDS = ['uuid', 'console_id', 'ts', 'kind', 'actor', 'payload', 'prev_hash', 'hash'] as const;

/** Fields of a stored row and a received entry whose canonical forms differ (none: the same entry). */
function differingFields(stored: Record<string, unknown>, e: JournalEntry): string[] {
  const canon = (field: (typeof ENTRY_FIELDS)[number], v: unknown): string => {
    if (field === 'ts') return String(Number(v));
    if (field === 'payload') {
      try {
        return canonicalJson(typeof v === 'string' ? JSON.parse(v) : v);
      } catch {
        return `unreadable:${String(v)}`;
      }
    }
    return String(v);
  };
  return ENTRY_FIELDS.filter((f) => canon(f, stored[f]) !== canon(f, e[f]));
}

/** `signature`: the console's signature of the batch's last entry, kept on that entry's row. */
export async function ingest(db: Knex, consoleId: string, raw: unknown[], signature?: string): Promise<IngestResult> {
  const entries: JournalEntry[] = [];
  for (const r of raw) {
    const p = JournalEntrySchema.safeParse(r);
    if (!p.success) return { status: 400, reason: 'entry does not match the journal schema' };
    if (p.data.console_id !== consoleId) return { status: 400, reason: 'entry of another console' };
    entries.push(p.data as JournalEntry);
  }
  const now = Date.now();
  try {
    return await db.transaction(async (trx) => {
      // One batch at a time per console: the chain is extended by one writer.
      // (SQLite serialises writers by itself; PostgreSQL needs the row lock.)
      if (trx.client.config.client === 'pg') await trx('consoles').where({ id: consoleId }).forUpdate().first('id');
      const last = await trx('journal').where({ console_id: consoleId }).orderBy('seq', 'desc').first('seq', 'hash');
      let prev = last ? { seq: Number(last.seq), hash: last.hash as string } : undefined;
      const lastSeq = prev?.seq ?? 0;
      const fresh: JournalEntry[] = [];
      const payloads: string[] = [];
      // Entries the server already holds: read in one query, not one per entry.
      const resent = entries.filter((e) => e.seq <= lastSeq).map((e) => e.seq);
      const storedRows = new Map<number, Record<string, unknown>>();
      if (resent.length) {
        const rows = await trx('journal').where({ console_id: consoleId }).whereBetween('seq', [Math.min(...resent), Math.max(...resent)]).select();
        for (const r of rows) storedRows.set(Number(r.seq), r as Record<string, unknown>);
      }
      for (const e of entries) {
        if (e.seq <= lastSeq) {
          // Already stored: acknowledged again if it is the same entry, a conflict otherwise.
          // The whole canonical entry, not only its hash: a console whose file was edited may
          // resend an entry whose hash still matches what the server holds.
          const stored = storedRows.get(e.seq);
          const differs = stored ? differingFields(stored, e) : ['missing'];
          if (differs.length > 0) throw new Conflict('divergence', e.seq, lastSeq + 1, `different entry at stored seq ${e.seq}: ${differs.join(', ')}`);
          continue;
        }
        // Serialised once: the same canonical text is hashed and stored.
        const payloadJson = e.payload === undefined ? undefined : canonicalJson(e.payload);
        const problem = checkParsedEntry(e, prev, payloadJson);
        const next = (prev?.seq ?? 0) + 1;
        if (problem === 'gap' && e.seq > next) throw new Conflict('gap', e.seq, next, `gap: the server holds up to seq ${next - 1}`);
        // A first entry that does not link to the last stored one: the two histories differ there.
        if (problem === 'prev_hash') throw new Conflict('divergence', e.seq, next, `entry ${e.seq} does not link to stored entry ${next - 1}`);
        if (problem) throw new Conflict('invalid', e.seq, next, `entry ${e.seq}: ${problem}`);
        fresh.push(e);
        payloads.push(payloadJson!);
        prev = { seq: e.seq, hash: e.hash };
      }
      // A uuid already stored (by this console or another, or twice in this batch) is a conflict
      // with a reason, not a database error: the rows whose uuid is taken are skipped by the
      // insert itself (one statement, not a look-up first), and any skipped one undoes the batch.
      const head = entries[entries.length - 1];
      for (let i = 0; i < fresh.length; i += 500) {
        const rows = fresh.slice(i, i + 500).map((e, k) => ({ ...e, payload: payloads[i + k]!, received_at: now, signature: signature !== undefined && e === head ? signature : null }));
        const inserted = await trx('journal').insert(rows).onConflict('uuid').ignore().returning('seq');
        if (inserted.length < rows.length) {
          const got = new Set(inserted.map((r: { seq: number | string } | number) => Number(typeof r === 'object' ? r.seq : r)));
          const taken = rows.find((r) => !got.has(r.seq))!;
          throw new Conflict('duplicate', taken.seq, fresh[0]!.seq, `entry uuid ${taken.uuid} is already stored`);
        }
      }
      await applyBatchToRegistry(trx, consoleId, fresh);
      return { status: 200 as const, ackSeq: prev?.seq ?? 0, ackHash: prev?.hash ?? null, stored: fresh.length };
    });
  } catch (err) {
    if (err instanceof Conflict) return { status: 409, kind: err.kind, seq: err.seq, expectedSeq: err.expectedSeq, reason: err.reason };
    // Two entries of one batch sharing a uuid, or a race with another batch.
    if (isUniqueViolation(err)) return { status: 409, kind: 'duplicate', seq: entries[0]?.seq ?? 1, expectedSeq: entries[0]?.seq ?? 1, reason: 'an entry with this id is already stored' };
    throw err;
  }
}
