/**
 * Flood control for the journal: the first few refused requests or failed logins a minute for
 * one matricule are journaled one by one; the rest of that minute is counted here and journaled
 * as one attempts.summarised entry once the minute is over. Nothing is dropped.
 */
import type { Knex } from 'knex';
import { appendEntries, type AppendInput } from './journal';

export type CountedKind = 'request.refused' | 'session.login_failed';

interface CountRow {
  of: CountedKind;
  key: string;
  minute_start: number | string;
  seen: number;
  summarised: number;
  reasons: string;
}

/**
 * Counts one attempt in its minute. Returns true when it is among the first `perMinute` (or
 * `always`): the caller journals it itself; otherwise it is tallied for the minute's summary.
 */
export async function countAttempt(db: Knex, a: { of: CountedKind; key: string; minuteStart: number; reason: string; perMinute: number; always?: boolean }): Promise<boolean> {
  return db.transaction(async (trx) => {
    const where = { of: a.of, key: a.key, minute_start: a.minuteStart };
    const row = await trx<CountRow>('attempt_counts').where(where).first();
    const seen = (row?.seen ?? 0) + 1;
    const individual = a.always === true || seen <= a.perMinute;
    const reasons = JSON.parse(row?.reasons ?? '{}') as Record<string, number>;
    if (!individual) reasons[a.reason] = (reasons[a.reason] ?? 0) + 1;
    const values = { seen, summarised: (row?.summarised ?? 0) + (individual ? 0 : 1), reasons: JSON.stringify(reasons) };
    if (row) await trx('attempt_counts').where(where).update(values);
    else await trx('attempt_counts').insert({ ...where, ...values });
    return individual;
  });
}

/**
 * Journals the summary of every minute that started before `beforeMinute` and forgets its counts,
 * in one transaction (a crash between the two cannot count a minute twice).
 */
export async function flushAttempts(db: Knex, consoleId: string, beforeMinute: number, ts: number): Promise<number> {
  return db.transaction(async (trx) => {
    const rows = await trx<CountRow>('attempt_counts').where('minute_start', '<', beforeMinute).orderBy(['minute_start', 'of', 'key']);
    const inputs: AppendInput[] = rows
      .filter((r) => r.summarised > 0)
      .map((r) => ({
        kind: 'attempts.summarised' as const,
        actor: 'system',
        ts,
        payload: { of: r.of, key: r.key, from: Number(r.minute_start), to: Number(r.minute_start) + 60000, count: r.summarised, reasons: JSON.parse(r.reasons) as Record<string, number> },
      }));
    if (inputs.length > 0) await appendEntries(trx, consoleId, inputs);
    if (rows.length > 0) await trx('attempt_counts').where('minute_start', '<', beforeMinute).delete();
    return inputs.length;
  });
}
