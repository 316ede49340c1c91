/**
 * The operator's session on this console. Only a logged-in, active operator can do anything but
 * log in. Five failures lock the account for five minutes; every attempt is journaled (beyond a
 * few a minute, in one summary entry per minute), and the counts are rebuilt from the journal at
 * start, so restarting the console does not lift a lock.
 */
import type { Knex } from 'knex';
import { getOperator, type Operator } from '../db/catalogue';
import { appendEntry, recentEntries } from '../db/journal';
import { passwordProblem, MIN_PASSWORD_LENGTH } from '../db/catalogue-file';
import { createFirstAdmin, setOperatorPassword } from '../db/operators';
import { hashPassword, verifyPassword } from '../db/passwords';
import type { PayloadOf } from '../db/journal-kinds';
import type { AttemptGate } from './attempt-gate';
import type { Clock } from './clock';
import { AppError } from './errors';

export const MAX_FAILURES = 5;
export const LOCK_MS = 5 * 60 * 1000;
/** How far back restore() reads the journal for failures not yet followed by a success. */
export const RESTORE_WINDOW_MS = 60 * 60 * 1000;

export type SessionOperator = Pick<Operator, 'matricule' | 'name' | 'role' | 'designated' | 'mustChangePassword'>;

export class SessionService {
  private current: SessionOperator | undefined;
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    private readonly db: Knex,
    private readonly consoleId: string,
    private readonly clock: Clock,
    /** Beyond a few failures a minute per matricule, they are counted into summaries; without it every one is journaled. */
    private readonly gate?: AttemptGate,
  ) {}

  private async failed(payload: PayloadOf<'session.login_failed'>, now: number, decidesLock: boolean): Promise<void> {
    const entry = { kind: 'session.login_failed' as const, actor: 'system', ts: now, payload };
    // A failure that locks the account is always journaled on its own: restore() reads the lock from it.
    if (this.gate) await this.gate.record('session.login_failed', payload.matricule, payload.reason, entry, decidesLock);
    else await appendEntry(this.db, this.consoleId, entry);
  }

  /**
   * Replays the last hour's login entries: failures since each matricule's last success, and any
   * lock still running. The journal says whether a failure locked (its lockedUntil), so the replay
   * does not re-decide it.
   */
  async restore(): Promise<void> {
    const now = this.clock.now();
    const entries = await recentEntries(this.db, this.consoleId, ['session.opened', 'session.login_failed', 'attempts.summarised'], now - RESTORE_WINDOW_MS);
    for (const e of entries) {
      if (e.kind === 'session.opened') {
        this.failures.delete((e.payload as { matricule: string }).matricule);
        continue;
      }
      if (e.kind === 'attempts.summarised') {
        // A minute's failures beyond the first few, counted together: they count toward the next
        // lock (a lock itself is always journaled on its own entry, so none is decided here).
        const p = e.payload as PayloadOf<'attempts.summarised'>;
        if (p.of !== 'session.login_failed') continue;
        const counted = p.count - (p.reasons.locked ?? 0);
        const state = this.failures.get(p.key) ?? { count: 0, lockedUntil: 0 };
        state.count += counted;
        if (counted > 0) this.failures.set(p.key, state);
        continue;
      }
      const p = e.payload as { matricule: string; reason: string; lockedUntil?: number };
      if (p.reason === 'locked') continue; // an attempt refused during a lock counts for nothing
      const state = this.failures.get(p.matricule) ?? { count: 0, lockedUntil: 0 };
      if (p.lockedUntil !== undefined) {
        state.lockedUntil = p.lockedUntil;
        state.count = 0;
      } else {
        state.count += 1;
      }
      this.failures.set(p.matricule, state);
    }
  }

  get operator(): SessionOperator | undefined {
    return this.current;
  }

  async login(matricule: string, password: string): Promise<SessionOperator> {
    const now = this.clock.now();
    const state = this.failures.get(matricule) ?? { count: 0, lockedUntil: 0 };
    if (state.lockedUntil > now) {
      await this.failed({ matricule: matricule.slice(0, 64), reason: 'locked', lockedUntil: state.lockedUntil }, now, false);
      throw new AppError('ACCOUNT_LOCKED', 'account locked after repeated failures', { lockedUntil: state.lockedUntil });
    }
    const op = await getOperator(this.db, matricule);
    // Hash even for an unknown matricule, so timing does not tell which matricules exist.
    const ok = await verifyPassword(password, op?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!op || !ok || !op.active) {
      const reason = !op ? 'unknown' : !ok ? 'bad_password' : 'inactive';
      state.count += 1;
      if (state.count >= MAX_FAILURES) {
        state.lockedUntil = now + LOCK_MS;
        state.count = 0;
      }
      this.failures.set(matricule, state);
      const locks = state.lockedUntil > now;
      await this.failed({ matricule: matricule.slice(0, 64), reason, ...(locks ? { lockedUntil: state.lockedUntil } : {}) }, now, locks);
      if (state.lockedUntil > now) throw new AppError('ACCOUNT_LOCKED', 'account locked after repeated failures', { lockedUntil: state.lockedUntil });
      throw new AppError('LOGIN_FAILED', 'wrong matricule or password');
    }
    this.failures.delete(matricule);
    if (this.current) await this.logout('logout');
    this.current = { matricule: op.matricule, name: op.name, role: op.role, designated: op.designated, mustChangePassword: op.mustChangePassword };
    await appendEntry(this.db, this.consoleId, { kind: 'session.opened', actor: op.matricule, ts: now, payload: { matricule: op.matricule } });
    return this.current;
  }

  /** The operator's own password: the current one first, then the policy (12 characters at least, not the matricule). */
  async changePassword(current: string, next: string): Promise<SessionOperator> {
    const me = this.current;
    if (!me) throw new AppError('NOT_LOGGED_IN', 'no operator is logged in');
    const op = await getOperator(this.db, me.matricule);
    if (!op || !(await verifyPassword(current, op.passwordHash))) throw new AppError('PASSWORD_WRONG', 'current password does not match');
    const problem = passwordProblem(next, me.matricule);
    if (problem) throw new AppError('PASSWORD_POLICY', `new password refused: ${problem}`, { problem, min: MIN_PASSWORD_LENGTH });
    if (await verifyPassword(next, op.passwordHash)) throw new AppError('PASSWORD_POLICY', 'new password equals the old one', { problem: 'password_unchanged', min: MIN_PASSWORD_LENGTH });
    await setOperatorPassword(this.db, me.matricule, await hashPassword(next));
    await appendEntry(this.db, this.consoleId, { kind: 'session.password_changed', actor: me.matricule, ts: this.clock.now(), payload: { matricule: me.matricule, wasTemporary: me.mustChangePassword } });
    this.current = { ...me, mustChangePassword: false };
    return this.current;
  }

  /** First start in production: the first administrateur, logged in at once. Refused once any operator exists. */
  async createFirstAdmin(matricule: string, name: string, password: string): Promise<SessionOperator> {
    const problem = passwordProblem(password, matricule);
    if (problem) throw new AppError('PASSWORD_POLICY', `password refused: ${problem}`, { problem, min: MIN_PASSWORD_LENGTH });
    if (!(await createFirstAdmin(this.db, { matricule, name, passwordHash: await hashPassword(password) }))) throw new AppError('SETUP_DONE', 'the console already has operators');
    await appendEntry(this.db, this.consoleId, { kind: 'catalogue.changed', actor: matricule, ts: this.clock.now(), payload: { entity: 'operator', id: matricule, change: 'created', before: null, after: { name, role: 'administrateur', designated: false, active: true } } });
    return this.login(matricule, password);
  }

  async logout(reason: 'logout' | 'application_stopped' | 'timeout' = 'logout'): Promise<void> {
    const op = this.current;
    if (!op) return;
    this.current = undefined;
    await appendEntry(this.db, this.consoleId, { kind: 'session.closed', actor: op.matricule, ts: this.clock.now(), payload: { matricule: op.matricule, reason } });
  }
}
