/** What the mirror sends and what the server answers about it (no I/O here). */
import type { JournalEntry } from '../../db/journal-codec';

/**
 * The longest prefix of `entries` whose request body stays within `limit` UTF-8 bytes (at least
 * one entry, so a lone oversized entry reaches the server and gets its own 413).
 */
export function fitBatch(entries: JournalEntry[], limit: number): { batch: JournalEntry[]; body: string } {
  const parts: string[] = [];
  let bytes = Buffer.byteLength('{"entries":[]}');
  for (const e of entries) {
    const json = JSON.stringify(e);
    const add = Buffer.byteLength(json) + (parts.length ? 1 : 0);
    if (parts.length > 0 && bytes + add > limit) break;
    parts.push(json);
    bytes += add;
  }
  return { batch: entries.slice(0, parts.length), body: `{"entries":[${parts.join(',')}]}` };
}

/** As server/store.ts (main/ does not import server/). */
export type ConflictKind = 'gap' | 'divergence' | 'invalid' | 'duplicate';

export interface ConflictBody {
  kind?: ConflictKind;
  seq?: number;
  expectedSeq?: number;
  reason?: string;
}
