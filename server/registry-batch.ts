/**
 * The registry projection of one batch, set-based: the same result as applying
 * db/registry-projection.ts entry by entry (test/integration/central-throughput.test.ts checks
 * it), in a handful of statements instead of one per entry. Grants accepted in the batch are
 * built in memory, with their interruptions and end applied in journal order, then inserted at
 * once; grants accepted earlier are read once, changed in memory, and written once each.
 * Everything is scoped by the sending console.
 */
import type { Knex } from 'knex';
import type { JournalEntry } from '../db/journal-codec';
import type { PayloadOf } from '../db/journal-kinds';
import { acceptedRow } from '../db/registry-projection';

interface Change {
  interruptedMs: number;
  end?: { ended_at: number; end_reason: string; ended_seq: number };
}

type NewRow = Record<string, unknown> & { grant_id: string; interrupted_ms: number; ended_at: number | null };

function newRow(e: JournalEntry): NewRow {
  return { ...acceptedRow(e), interrupted_ms: 0, ended_at: null, end_reason: null, ended_seq: null };
}

export async function applyBatchToRegistry(trx: Knex, consoleId: string, entries: JournalEntry[]): Promise<void> {
  const fresh = new Map<string, NewRow>();
  /** Operations on grants not accepted in this batch, in order. */
  const older: JournalEntry[] = [];
  for (const e of entries) {
    if (e.kind === 'request.accepted') {
      const row = newRow(e);
      // A grant id accepted twice: the insert's unique violation makes it a 409 (duplicate).
      if (fresh.has(row.grant_id)) throw Object.assign(new Error('grant accepted twice in one batch'), { code: '23505' });
      fresh.set(row.grant_id, row);
    } else if (e.kind === 'transmission.interrupted' || e.kind === 'transmission.ended') {
      const p = e.payload as { grantId: string };
      const row = fresh.get(p.grantId);
      if (!row) older.push(e);
      else if (row.ended_at === null) {
        if (e.kind === 'transmission.interrupted') {
          const q = e.payload as PayloadOf<'transmission.interrupted'>;
          row.interrupted_ms += Math.max(0, q.to - q.from);
        } else {
          const q = e.payload as PayloadOf<'transmission.ended'>;
          Object.assign(row, { ended_at: q.endedAt, end_reason: q.reason, ended_seq: e.seq });
        }
      }
    }
  }
  if (fresh.size) {
    const rows = [...fresh.values()];
    // 21 columns: 500 rows stay far below PostgreSQL's 65,535 parameters and SQLite's 32,766.
    for (let i = 0; i < rows.length; i += 500) await trx('registry').insert(rows.slice(i, i + 500));
  }
  // An operation naming a grant accepted later in this batch found no row at its time: nothing to do.
  // (Had the row existed before the batch, the second acceptance is refused as a duplicate.)
  const before = older.filter((e) => !fresh.has((e.payload as { grantId: string }).grantId));
  if (before.length === 0) return;
  const ids = [...new Set(before.map((e) => (e.payload as { grantId: string }).grantId))];
  const open = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const stored = await trx('registry').where({ console_id: consoleId }).whereIn('grant_id', ids.slice(i, i + 500)).whereNull('ended_at').select('grant_id');
    for (const r of stored) open.add(r.grant_id as string);
  }
  const changes = new Map<string, Change>();
  for (const e of before) {
    const id = (e.payload as { grantId: string }).grantId;
    if (!open.has(id)) continue;
    const c = changes.get(id) ?? { interruptedMs: 0 };
    changes.set(id, c);
    if (c.end) continue; // the first end wins; an interruption after it counts for nothing
    if (e.kind === 'transmission.interrupted') {
      const q = e.payload as PayloadOf<'transmission.interrupted'>;
      c.interruptedMs += Math.max(0, q.to - q.from);
    } else {
      const q = e.payload as PayloadOf<'transmission.ended'>;
      c.end = { ended_at: q.endedAt, end_reason: q.reason, ended_seq: e.seq };
    }
  }
  for (const [id, c] of changes) {
    await trx('registry')
      .where({ console_id: consoleId, grant_id: id })
      .whereNull('ended_at')
      .update({ ...(c.end ?? {}), interrupted_ms: trx.raw('interrupted_ms + ?', [c.interruptedMs]) });
  }
}
