/**
 * The journal codec, shared by the console (db/journal.ts) and the central server: canonical
 * serialisation, hashing and verification of one entry against the one before it. Anyone
 * holding a journal file can re-run it offline.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ENTRY_KINDS, payloadSchemaOf } from './journal-kinds';

export const GENESIS_HASH = '0'.repeat(64);
/** An entry's payload, canonically serialised, may not exceed this: the registry is not a file store. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const JournalEntrySchema = z
  .object({
    // Bounded by the columns that store them (integer seq, bigint ms): out of range is a 400, never a database error.
    seq: z.number().int().positive().max(2147483647),
    uuid: z.string().uuid(),
    console_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/),
    ts: z.number().int().nonnegative().max(8.64e15),
    kind: z.enum(ENTRY_KINDS),
    actor: z.string().min(1).max(64),
    payload: z.unknown(),
    prev_hash: z.string().regex(/^[0-9a-f]{64}$/),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type JournalEntry = Omit<z.infer<typeof JournalEntrySchema>, 'payload'> & { payload: unknown };

/** JSON with keys sorted at every depth and no insignificant whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no NaN or Infinity');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
  }
}

/** hash = SHA-256(prev_hash + canonical JSON of the entry without its hash). */
export function entryHash(entry: Omit<JournalEntry, 'hash'>, payloadJson?: string): string {
  const { seq, uuid, console_id, ts, kind, actor, payload, prev_hash } = entry;
  const body = payloadJson === undefined ? canonicalJson({ seq, uuid, console_id, ts, kind, actor, payload, prev_hash }) : canonicalEntryBody(entry, payloadJson);
  return createHash('sha256').update(prev_hash).update(body).digest('hex');
}

/**
 * canonicalJson of an entry without its hash, from its payload already in canonical form: the
 * central server serialises each payload once and stores that same text (it serialised it twice,
 * for the hash and for the row). Keys in canonicalJson's order; seq and ts are the schema's
 * integers, which JSON writes as String does.
 */
export function canonicalEntryBody(e: Omit<JournalEntry, 'hash'>, payloadJson: string): string {
  const q = JSON.stringify;
  return `{"actor":${q(e.actor)},"console_id":${q(e.console_id)},"kind":${q(e.kind)},"payload":${payloadJson},"prev_hash":${q(e.prev_hash)},"seq":${q(e.seq)},"ts":${q(e.ts)},"uuid":${q(e.uuid)}}`;
}

export type EntryProblem = 'schema' | 'payload' | 'gap' | 'prev_hash' | 'hash';

/**
 * Checks one entry on its own (schema, payload, hash) and, when `prev` is given, its link to it
 * (`prev` undefined means the entry must be the console's first).
 */
export function checkEntry(entry: unknown, prev: { seq: number; hash: string } | undefined): EntryProblem | undefined {
  const parsed = JournalEntrySchema.safeParse(entry);
  if (!parsed.success) return 'schema';
  return checkParsedEntry(parsed.data as JournalEntry, prev);
}

/**
 * checkEntry for an entry already parsed with JournalEntrySchema (the central server parses each
 * entry once); `payloadJson`, the payload's canonicalJson when the caller has it already.
 */
export function checkParsedEntry(e: JournalEntry, prev: { seq: number; hash: string } | undefined, payloadJson?: string): EntryProblem | undefined {
  if (!payloadSchemaOf(e.kind).safeParse(e.payload).success) return 'payload';
  const expectedSeq = prev ? prev.seq + 1 : 1;
  if (e.seq !== expectedSeq) return 'gap';
  if (e.prev_hash !== (prev ? prev.hash : GENESIS_HASH)) return 'prev_hash';
  if (entryHash(e, payloadJson) !== e.hash) return 'hash';
  return undefined;
}

export { ENTRY_KINDS, payloadSchemaOf };
