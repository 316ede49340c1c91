/**
 * The registry is evidence: the journal's chain is verified whole at start, then incrementally
 * (each new entry must link to the verified head) and whole again now and then; the registry view
 * is compared with a projection of the journal and rebuilt from it when it differs. A difference
 * is journaled (registry.verified) and reported to superviseurs and administrateurs; the console
 * keeps working — it cannot undo the tampering, it can only say where it starts.
 */
import type { Knex } from 'knex';
import { appendEntry, verifyChain, type ChainHead } from '../db/journal';
import { GENESIS_HASH } from '../db/journal-codec';
import { rebuildRegistryFromJournal, registryDifference } from '../db/registry-check';
import type { Clock } from './clock';
import type { Logger } from './log';

export interface IntegrityStatus {
  state: 'ok' | 'altered';
  /** The last entry the verification vouches for. */
  verifiedSeq: number;
  headHash: string;
  /** Where the journal or the registry view first says something the chain does not. */
  firstBrokenSeq?: number;
  reason?: string;
  checkedAt: number;
}

export interface IntegrityOptions {
  db: Knex;
  /**
   * A second connection to the same file for reading the chain, so verifying it (SHA-256 in JS)
   * and checking the view (SQL) run side by side at start; defaults to `db`. The service owns it
   * and closes it in stop().
   */
  readDb?: Knex;
  consoleId: string;
  clock: Clock;
  log: Logger;
  /** How often new entries are verified against the head (default 5 s). */
  incrementalMs?: number;
  /** How often the whole chain and the view are checked again (default 10 min). */
  fullMs?: number;
}

export class IntegrityService {
  private current: IntegrityStatus = { state: 'ok', verifiedSeq: 0, headHash: GENESIS_HASH, checkedAt: 0 };
  /** Set when the chain itself broke: entries after it are not evidence. */
  private chainBrokenAt: number | undefined;
  private timers: NodeJS.Timeout[] = [];
  private busy: Promise<unknown> = Promise.resolve();
  private reported: string | undefined;

  constructor(private readonly o: IntegrityOptions) {}

  status(): IntegrityStatus {
    return { ...this.current };
  }

  /** The last seq the chain vouches for when it is broken (grants after it are not resumed); undefined when whole. */
  trustedSeq(): number | undefined {
    return this.chainBrokenAt === undefined ? undefined : this.chainBrokenAt - 1;
  }

  /** The whole chain and the registry view; run at start, before anything reads the registry. */
  verifyAll(): Promise<IntegrityStatus> {
    return this.serial(() => this.full());
  }

  /** New entries since the verified head (cheap: a few rows). */
  verifyNew(): Promise<IntegrityStatus> {
    return this.serial(() => this.incremental());
  }

  start(): void {
    const every = (ms: number, f: () => Promise<unknown>) => {
      const t = setInterval(() => void f().catch((err: unknown) => this.o.log.error('integrity check failed: %s', err instanceof Error ? err.message : String(err))), ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.o.incrementalMs ?? 5000, () => this.verifyNew());
    every(this.o.fullMs ?? 10 * 60000, () => this.verifyAll());
  }

  /** Stops the timers, waits for a check under way (before the database closes), closes the reading connection. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.busy;
    if (this.o.readDb && this.o.readDb !== this.o.db) await this.o.readDb.destroy();
  }

  /** One check at a time: a full pass and an incremental one never interleave. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.busy.then(f, f);
    this.busy = run.catch(() => undefined);
    return run;
  }

  private async full(): Promise<IntegrityStatus> {
    const { db, consoleId, clock, log } = this.o;
    const [chain, diff] = await Promise.all([verifyChain(this.o.readDb ?? db, consoleId), registryDifference(db)]);
    if (diff) {
      const rows = await rebuildRegistryFromJournal(db);
      log.warn('integrity: the registry view differed from the journal on %d grant(s), first at entry %d; rebuilt (%d rows)', diff.grants, diff.firstSeq, rows);
    }
    const wasAltered = this.current.state === 'altered';
    if (!chain.ok) {
      this.chainBrokenAt = chain.firstBrokenSeq;
      this.current = { state: 'altered', verifiedSeq: chain.head.seq, headHash: chain.head.hash, firstBrokenSeq: chain.firstBrokenSeq, reason: chain.reason, checkedAt: clock.now() };
      log.error('integrity: the journal chain breaks at entry %d (%s)', chain.firstBrokenSeq, chain.reason);
    } else if (diff) {
      this.current = { state: 'altered', verifiedSeq: chain.head.seq, headHash: chain.head.hash, firstBrokenSeq: diff.firstSeq, reason: 'projection', checkedAt: clock.now() };
    } else if (wasAltered) {
      // A break once seen stays reported until the console restarts: the evidence of it is in the journal.
      this.current = { ...this.current, checkedAt: clock.now() };
    } else {
      this.current = { state: 'ok', verifiedSeq: chain.head.seq, headHash: chain.head.hash, checkedAt: clock.now() };
    }
    // A rebuilt view is news each time; a chain break already journaled by this run is not.
    if (diff || (!chain.ok && this.reported !== `${chain.firstBrokenSeq}:${chain.reason}`)) await this.journal(chain.checked);
    return this.status();
  }

  private async incremental(): Promise<IntegrityStatus> {
    if (this.current.state === 'altered') return this.status();
    const from: ChainHead = { seq: this.current.verifiedSeq, hash: this.current.headHash };
    const chain = await verifyChain(this.o.readDb ?? this.o.db, this.o.consoleId, { from });
    if (chain.ok) {
      this.current = { state: 'ok', verifiedSeq: chain.head.seq, headHash: chain.head.hash, checkedAt: this.o.clock.now() };
      return this.status();
    }
    this.chainBrokenAt = chain.firstBrokenSeq;
    this.current = { state: 'altered', verifiedSeq: chain.head.seq, headHash: chain.head.hash, firstBrokenSeq: chain.firstBrokenSeq, reason: chain.reason, checkedAt: this.o.clock.now() };
    this.o.log.error('integrity: a new entry does not link to the verified head: break at entry %d (%s)', chain.firstBrokenSeq, chain.reason);
    await this.journal(chain.checked);
    return this.status();
  }

  private async journal(checked: number): Promise<void> {
    const s = this.current;
    this.reported = `${s.firstBrokenSeq}:${s.reason}`;
    await appendEntry(this.o.db, this.o.consoleId, {
      kind: 'registry.verified',
      actor: 'system',
      ts: this.o.clock.now(),
      payload: { ok: false, checked, ...(s.firstBrokenSeq !== undefined ? { firstBrokenSeq: s.firstBrokenSeq } : {}), ...(s.reason ? { reason: s.reason } : {}) },
    });
  }
}
