/**
 * Keeps hostile repetition from flooding the registry (and the mirror): beyond a few refused
 * requests or failed logins a minute for one matricule, the attempts are counted into one
 * summary entry per minute (« 37 tentatives refusées »), never dropped, never one entry each.
 */
import type { Knex } from 'knex';
import { countAttempt, flushAttempts, type CountedKind } from '../db/attempts';
import { appendEntry, type AppendInput } from '../db/journal';
import type { Clock } from './clock';
import type { Logger } from './log';

export const ATTEMPTS_PER_MINUTE = 5;
const MINUTE = 60000;

export class AttemptGate {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: { db: Knex; consoleId: string; clock: Clock; log: Logger; perMinute?: number; flushMs?: number },
  ) {}

  /**
   * One attempt: journaled as `entry` while under the minute's limit (or when `always`, for an
   * entry that decides something, like a lock), counted for the summary otherwise.
   */
  async record(of: CountedKind, key: string, reason: string, entry: AppendInput, always = false): Promise<void> {
    const minuteStart = Math.floor(this.o.clock.now() / MINUTE) * MINUTE;
    const individual = await countAttempt(this.o.db, { of, key: key.slice(0, 64), minuteStart, reason: reason.slice(0, 100), perMinute: this.o.perMinute ?? ATTEMPTS_PER_MINUTE, always });
    if (individual) await appendEntry(this.o.db, this.o.consoleId, entry);
  }

  /** Journals the summaries of the minutes already over (a previous run's too). */
  async flush(all = false): Promise<number> {
    const now = this.o.clock.now();
    return flushAttempts(this.o.db, this.o.consoleId, all ? Number.MAX_SAFE_INTEGER : Math.floor(now / MINUTE) * MINUTE, now);
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.o.log.error('attempt summaries not journaled: %s', err instanceof Error ? err.message : String(err))), this.o.flushMs ?? 5000);
    this.timer.unref();
  }

  /** Application quit: the current minute's summaries go out now rather than at the next start. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush(true);
  }

  /** Stops the timer, journaling nothing (what a crash leaves; the counts stay in the database). */
  halt(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
