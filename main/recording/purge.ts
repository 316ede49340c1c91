/**
 * The purge (issue G3, CSI L252-5): at start and every hour, every segment whose end is older
 * than its grant's retention (the convention's, at most 30 days) is deleted, and the purge is
 * journaled: which grants, how many segments, how many bytes. No recording outlives its retention
 * by more than an hour.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { appendEntry } from '../../db/journal';
import type { PayloadOf } from '../../db/journal-kinds';
import { MAX_RETENTION_DAYS, type RecordingStore } from './store';

export const PURGE_EVERY_MS = 3600_000;
const DAY_MS = 86400_000;

export async function purgeRecordings(o: { db: Knex; consoleId: string; store: RecordingStore; now: number; isActive: (grantId: string) => boolean }): Promise<PayloadOf<'recording.purged'> | undefined> {
  const grants: PayloadOf<'recording.purged'>['grants'] = [];
  for (const grantId of o.store.grantIds()) {
    // A grant folder without its metadata keeps its segments no longer than the law allows.
    const retentionDays = Math.min(MAX_RETENTION_DAYS, o.store.readMeta(grantId)?.retentionDays ?? MAX_RETENTION_DAYS);
    const cutoff = o.now - retentionDays * DAY_MS;
    let segments = 0;
    let bytes = 0;
    let lastEnd = 0;
    for (const s of o.store.segments(grantId)) {
      if (s.end > cutoff) continue;
      bytes += statSync(s.file).size;
      rmSync(s.file, { force: true });
      segments++;
      lastEnd = Math.max(lastEnd, s.end);
    }
    if (segments > 0) grants.push({ grantId, retentionDays, segments, bytes, lastEnd });
    if (!o.isActive(grantId) && o.store.segments(grantId).length === 0 && !hasParts(path.join(o.store.root, grantId))) rmSync(path.join(o.store.root, grantId), { recursive: true, force: true });
  }
  if (grants.length === 0) return undefined;
  const payload = { grants, segments: grants.reduce((n, g) => n + g.segments, 0), bytes: grants.reduce((n, g) => n + g.bytes, 0) };
  await appendEntry(o.db, o.consoleId, { kind: 'recording.purged', actor: 'system', ts: o.now, payload });
  return payload;
}

function hasParts(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((d) => d.isDirectory() && readdirSync(path.join(dir, d.name)).some((n) => n.endsWith('.part')));
  } catch {
    return false;
  }
}
