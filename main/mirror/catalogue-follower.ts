/**
 * The console's side of the CSU's one catalogue (issue G2, several consoles). Where a central
 * server is configured, the console asks it for the catalogue at start and every minute
 * (If-None-Match: the hash it last applied), applies a new version through the same
 * all-or-nothing import as a file (journaled `catalogue.changed` with the version and hash), and
 * keeps it for offline work. A console the server lets publish (`allow-publish`) uploads its own
 * catalogue. Camera passwords and operators' passwords never leave the console.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { countOperators, listOperators } from '../../db/catalogue';
import { parseCatalogueFile } from '../../db/catalogue-file';
import { exportCatalogue, importCatalogue } from '../../db/catalogue-import';
import { readCentralState, saveCentralState, type CentralCatalogueState } from '../../db/central-catalogue';
import { canonicalJson } from '../../db/journal-codec';
import { signCatalogue } from '../../db/journal-signature';
import type { CentralCatalogueView } from '../../preload/admin';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../log';
import { request, type Answer } from './transport';

export const CATALOGUE_PULL_MS = 60_000;

const sha256Of = (catalogue: unknown) => createHash('sha256').update(canonicalJson(catalogue)).digest('hex');

export interface FollowerOptions {
  db: Knex;
  consoleId: string;
  serverUrl: string;
  token: () => string | undefined;
  ca?: string;
  clock: Clock;
  log: Logger;
  /** Demo consoles keep `sim:` cameras; production accepts rtsp:// and rtsps:// only (as an import). */
  allowSim: boolean;
  pollMs?: number;
  timeoutMs?: number;
  /** The console's Ed25519 key (the mirror's): a signing console signs each publication, so its token alone publishes nothing. */
  signingKeyPem?: () => string | undefined;
}

type LastError = CentralCatalogueView['lastError'];

export class CatalogueFollower {
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  /** Pulls and publications one at a time: a publication must not race the pull that follows it. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastError: LastError = null;
  private state: CentralCatalogueState = { version: null, sha256: null, publishedAt: null, publishedBy: null, checkedAt: null, canPublish: false };

  constructor(private readonly o: FollowerOptions) {}

  async start(): Promise<void> {
    this.state = await readCentralState(this.o.db);
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.queue.catch(() => undefined);
  }

  /** Whether local catalogue edits are this console's to make: only on a console allowed to publish. */
  get canPublish(): boolean {
    return this.state.canPublish;
  }

  view(): CentralCatalogueView {
    const s = this.state;
    return { following: true, canPublish: s.canPublish, version: s.version, publishedAt: s.publishedAt, publishedBy: s.publishedBy, checkedAt: s.checkedAt, lastError: this.lastError };
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.pull().finally(() => this.schedule(this.o.pollMs ?? CATALOGUE_PULL_MS));
    }, ms);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private url(): string {
    return `${this.o.serverUrl.replace(/\/$/, '')}/v1/catalogue`;
  }

  /** Asks the server once; applies a new version. Never throws: the outcome is in view(). */
  pull(): Promise<CentralCatalogueView> {
    return this.serial(async () => {
      const token = this.o.token();
      if (!token) {
        this.lastError = 'TOKEN_REFUSED';
        return this.view();
      }
      let res: Answer;
      try {
        res = await request(this.url(), { headers: { authorization: `Bearer ${token}`, ...(this.state.sha256 ? { 'if-none-match': `"${this.state.sha256}"` } : {}) }, timeoutMs: this.o.timeoutMs ?? 10000, ...(this.o.ca ? { ca: this.o.ca } : {}) });
      } catch (err) {
        // Offline: the last applied version stays in force.
        this.lastError = 'UNREACHABLE';
        this.o.log.warn('catalogue: central server unreachable (%s); keeping version %s', String((err as { code?: string }).code ?? 'error'), String(this.state.version ?? 'local'));
        return this.view();
      }
      const canPublish = res.headers['x-csu-can-publish'] === '1';
      const checkedAt = this.o.clock.now();
      if (res.status === 401 || res.status === 403) return this.fail('TOKEN_REFUSED', `token refused (${res.status})`);
      if (res.status === 304 || res.status === 404) {
        await this.save({ checkedAt, canPublish });
        this.lastError = null;
        return this.view();
      }
      if (res.status !== 200) return this.fail('HTTP_ERROR', `answered ${res.status}`);
      await this.apply(res, checkedAt, canPublish);
      return this.view();
    });
  }

  private async apply(res: Answer, checkedAt: number, canPublish: boolean): Promise<void> {
    let body: { version?: unknown; sha256?: unknown; publishedAt?: unknown; publishedBy?: { console?: unknown; operator?: unknown }; catalogue?: unknown };
    try {
      body = res.json() as typeof body;
    } catch {
      this.fail('INVALID', 'answer is not JSON');
      return;
    }
    const version = Number(body.version);
    const hash = String(body.sha256);
    // The body must be the version it names: a proxy or a half-written answer is not applied.
    if (!Number.isInteger(version) || version < 1 || sha256Of(body.catalogue) !== hash) {
      this.fail('INVALID', 'catalogue does not match its hash');
      return;
    }
    // A console is provisioned by its own first administrateur (screen or create-admin): operators
    // arriving first would end the « premier administrateur » screen with nobody able to log in.
    if ((await countOperators(this.o.db)) === 0) {
      await this.save({ checkedAt, canPublish });
      this.lastError = null;
      this.o.log.info('catalogue: central version %d waits for this console\'s first administrateur', version);
      return;
    }
    const parsed = parseCatalogueFile(JSON.stringify(body.catalogue), { allowSim: this.o.allowSim });
    if (!parsed.ok) {
      this.fail('INVALID', `version ${version} breaks ${parsed.problems.length} rule(s) of this console, first at ${parsed.problems[0]?.path}`);
      return;
    }
    // A console's own administrateurs (made with create-admin on it) are not withdrawn by a catalogue that does not list them: nobody could administer it any more.
    const ownAdmins = (await listOperators(this.o.db)).filter((x) => x.role === 'administrateur' && x.active).map((x) => x.matricule);
    const publishedBy = `${String(body.publishedBy?.console ?? '?')}/${String(body.publishedBy?.operator ?? '?')}`.slice(0, 100);
    const r = await importCatalogue(this.o.db, this.o.consoleId, parsed.file, { actor: 'system', now: this.o.clock.now(), keep: ownAdmins, central: { version, sha256: hash, publishedBy } });
    await this.save({ version, sha256: hash, publishedAt: Number(body.publishedAt) || null, publishedBy, checkedAt, canPublish });
    this.lastError = null;
    this.o.log.info('catalogue: applied central version %d (%d changes)', version, r.changes.length);
  }

  /** Uploads this console's catalogue as the next central version (the server checks it is allowed to). */
  publish(actor: string): Promise<{ version: number; unchanged: boolean }> {
    return this.serial(async () => {
      const token = this.o.token();
      if (!token) throw new AppError('CENTRAL_REFUSED', 'no token stored', { reason: 'token' });
      const body = JSON.stringify({ publishedBy: actor, catalogue: await exportCatalogue(this.o.db) });
      // Signed over what the server will hash: the catalogue as it reads it from this body.
      const key = this.o.signingKeyPem?.();
      const signature = key ? signCatalogue(key, this.o.consoleId, actor, sha256Of((JSON.parse(body) as { catalogue: unknown }).catalogue)) : undefined;
      let res: Answer;
      try {
        res = await request(this.url(), { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(signature ? { 'x-csu-signature': signature } : {}) }, body, timeoutMs: this.o.timeoutMs ?? 10000, ...(this.o.ca ? { ca: this.o.ca } : {}) });
      } catch (err) {
        throw new AppError('CATALOGUE_CENTRAL_UNREACHABLE', `central server unreachable (${String((err as { code?: string }).code ?? 'error')})`);
      }
      let answer: Record<string, unknown> = {};
      try {
        answer = res.json() as Record<string, unknown>;
      } catch {
        // A proxy's HTML page: the status says enough.
      }
      if (res.status === 400 && Array.isArray(answer.problems)) throw new AppError('CENTRAL_REFUSED', 'the central server refused the catalogue', { reason: 'invalid', problems: answer.problems });
      if (res.status === 403) {
        await this.save({ canPublish: false });
        throw new AppError('CENTRAL_REFUSED', 'this console may not publish', { reason: 'not_publisher' });
      }
      if (res.status === 401) throw new AppError('CENTRAL_REFUSED', `refused: ${String(answer.error)}`, { reason: answer.error === 'bad signature' || answer.error === 'not enrolled' ? 'signature' : 'token' });
      if (res.status === 413) throw new AppError('CENTRAL_REFUSED', 'catalogue too large for the server', { reason: 'too_large' });
      if (res.status !== 200) throw new AppError('CENTRAL_REFUSED', `central server answered ${res.status}`, { reason: 'http', status: res.status });
      const version = Number(answer.version);
      // What was published is this console's catalogue: it follows that version from now on (the next pull answers 304).
      await this.save({ version, sha256: String(answer.sha256), publishedAt: Number(answer.publishedAt), publishedBy: `${this.o.consoleId}/${actor}`, checkedAt: this.o.clock.now(), canPublish: true });
      this.lastError = null;
      return { version, unchanged: answer.unchanged === true };
    });
  }

  private fail(e: NonNullable<LastError>, why: string): CentralCatalogueView {
    this.lastError = e;
    this.o.log.warn('catalogue: central catalogue not applied: %s', why);
    return this.view();
  }

  private async save(patch: Partial<CentralCatalogueState>): Promise<void> {
    await saveCentralState(this.o.db, patch);
    this.state = { ...this.state, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) };
  }
}
