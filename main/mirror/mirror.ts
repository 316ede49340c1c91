/**
 * The journal's outbox: sends entries after the acknowledged seq to the central server, in order
 * and in batches, records each acknowledgement, and keeps trying (1 s to 5 min, with jitter) while
 * the server is away. On a 409 it stops and says so: it never skips or rewrites an entry.
 */
import type { Knex } from 'knex';
import { appendEntry, entriesAfter, lastEntryOfKind } from '../../db/journal';
import type { JournalEntry } from '../../db/journal-codec';
export { fitBatch, type ConflictKind } from './batch';
import { signHead } from '../../db/journal-signature';
import { enrolKey, refusalReason, type EnrolResult } from './enrol';
import { Outbox } from './outbox';
import type { Clock } from '../clock';
import { fitBatch, type ConflictBody, type ConflictKind } from './batch';
import { request, type Answer } from './transport';
import type { Logger } from '../log';

export type MirrorStatus =
  | { state: 'synchronised'; ackedSeq: number }
  | { state: 'pending'; pending: number; ackedSeq: number }
  | { state: 'offline'; since: number; pending: number; ackedSeq: number }
  | { state: 'conflict'; expectedSeq?: number; seq?: number; kind?: ConflictKind; message: string; ackedSeq: number }
  | { state: 'refused'; status: number; reason: 'token' | 'not_enrolled' | 'bad_signature' | 'enrolment_code_refused'; ackedSeq: number }
  /** The server refused even a one-entry batch as too large (413): nothing more can be sent until it accepts bigger bodies. */
  | { state: 'too_large'; seq: number; bytes: number; ackedSeq: number };

export interface MirrorOptions {
  db: Knex;
  consoleId: string;
  serverUrl: string;
  /** The console's bearer token, or how to read it: read at each request, so a rotated token is used without a restart. */
  token: string | (() => string | undefined);
  clock: Clock;
  log: Logger;
  onStatus?: (s: MirrorStatus) => void;
  batchMax?: number;
  batchBytes?: number;
  timeoutMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  pollMs?: number;
  /** The console's Ed25519 key (every batch signed) and its one-time enrolment code (sent once, when the server asks). */
  signing?: { privateKeyPem: string; enrolmentCode: () => string | undefined; onEnrolled?: () => void };
  /** Extra trusted CA certificates (PEM) for an internal PKI (setting mirror.caFile). */
  ca?: string;
  /** How often a refused mirror looks for a new token. */
  tokenCheckMs?: number;
}

export class Mirror {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;
  private failures = 0;
  private offlineSince: number | undefined;
  private status: MirrorStatus | undefined;
  private inflight: Promise<void> | undefined;
  /** The token (and enrolment code) a 401/403 answered to: not sent again until one changes (or backoffMaxMs passes). */
  private refused: { key: string; at: number } | undefined;
  /** Entries per batch; halved after a 413, grown back after each accepted batch. */
  private cap: number | undefined;
  private readonly outbox: Outbox;

  constructor(private readonly o: MirrorOptions) {
    this.outbox = new Outbox(o.db, o.consoleId);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inflight;
    await this.outbox.settle().catch((err: unknown) => this.o.log.error('mirror: acknowledgement not saved: %s', err instanceof Error ? err.message : String(err)));
  }

  get current(): MirrorStatus | undefined {
    return this.status;
  }

  private setStatus(s: MirrorStatus): void {
    this.status = s;
    this.o.onStatus?.(s);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.inflight = this.cycle().finally(() => (this.inflight = undefined));
    }, ms);
    this.timer.unref?.();
  }

  private token(): string | undefined {
    return typeof this.o.token === 'function' ? this.o.token() : this.o.token;
  }

  private credentials(token: string | undefined): string {
    return `${token ?? ''}\n${this.o.signing?.enrolmentCode() ?? ''}`;
  }

  private pendingAfter(acked: number): Promise<number> {
    return this.outbox.pendingAfter(acked);
  }

  /** One send: resolves when the next cycle is scheduled. */
  private async cycle(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      const acked = await this.outbox.acked();
      const max = this.o.batchMax ?? 500;
      const limit = Math.min(max, this.cap ?? max);
      const fetched = await this.outbox.after(acked, limit);
      if (fetched.length === 0) {
        this.failures = 0;
        this.offlineSince = undefined;
        if (this.status?.state !== 'synchronised') this.setStatus({ state: 'synchronised', ackedSeq: acked });
        return this.schedule(this.o.pollMs ?? 1000);
      }
      const token = this.token();
      if (this.refused && this.refused.key === this.credentials(token) && this.o.clock.now() - this.refused.at < (this.o.backoffMaxMs ?? 300000)) {
        // Refused with these credentials: wait for new ones (stored by the administrator) rather than knock again.
        return this.schedule(this.o.tokenCheckMs ?? 1000);
      }
      // The server's limit is on bytes on the wire: count the UTF-8 bytes of exactly what is sent
      // (an accented justification is one character but two bytes).
      const { batch, body: payload } = fitBatch(fetched, this.o.batchBytes ?? 900 * 1024);
      let res: Answer;
      const signed = this.signatureOf(batch);
      if (fetched.length === limit) this.outbox.readAhead(batch[batch.length - 1]!.seq, limit);
      try {
        res = await request(this.url('journal'), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}`, ...signed },
          body: payload,
          timeoutMs: this.o.timeoutMs ?? 15000,
          ...(this.o.ca ? { ca: this.o.ca } : {}),
        });
      } catch (err) {
        await this.outbox.settle();
        return await this.retryLater(acked, `network: ${err instanceof Error ? err.message : String(err)}`);
      }
      await this.outbox.settle();
      let body: { ackSeq?: number; error?: string } & ConflictBody = {};
      try {
        body = res.json() as typeof body;
      } catch {
        if (res.ok) return await this.retryLater(acked, 'unreadable answer');
      }
      if (res.ok && typeof body.ackSeq === 'number') {
        const last = batch[batch.length - 1]!.seq;
        // The server acknowledges what it holds; never move the cursor past what was sent.
        const ack = Math.min(body.ackSeq, last);
        if (ack > acked) {
          const head = batch[batch.length - 1]!;
          const signature = signed['x-csu-signature'];
          this.outbox.acknowledge({ seq: ack, hash: batch.find((e) => e.seq === ack)?.hash ?? null, at: this.o.clock.now() }, signature && ack === head.seq ? { seq: head.seq, hash: head.hash, signature } : undefined);
        }
        this.failures = 0;
        this.offlineSince = undefined;
        this.refused = undefined;
        if (this.cap !== undefined) this.cap = this.cap * 2 >= max ? undefined : this.cap * 2;
        const pending = await this.pendingAfter(ack);
        this.setStatus(pending ? { state: 'pending', pending, ackedSeq: ack } : { state: 'synchronised', ackedSeq: ack });
        return this.schedule(pending ? 0 : (this.o.pollMs ?? 1000));
      }
      if (res.status === 413) return await this.tooLarge(acked, batch);
      let enrolled: EnrolResult | undefined;
      if (res.status === 401 && body.error === 'not enrolled' && (enrolled = await this.enrol(token)) === 'ok') return this.schedule(0);
      // A gap: the server lost entries it had acknowledged (restored from a backup); maybe repairable.
      if (res.status === 409 && body.kind === 'gap') return await this.resync(acked, body);
      if (res.status === 409) return await this.conflict(acked, body);
      if (res.status >= 500) return await this.retryLater(acked, `server ${res.status}`);
      // 400/401/403: a configuration or software problem; say it and keep trying slowly, or as soon as the token changes.
      this.o.log.error('mirror: the server refused the batch with %d (%s)', res.status, body.error ?? '');
      this.setStatus({ state: 'refused', status: res.status, reason: refusalReason(res.status, body.error, enrolled), ackedSeq: acked });
      if (res.status === 401 || res.status === 403) {
        this.refused = { key: this.credentials(token), at: this.o.clock.now() };
        return this.schedule(this.o.tokenCheckMs ?? 1000);
      }
      this.schedule(this.o.backoffMaxMs ?? 300000);
    } catch (err) {
      this.o.log.error('mirror: %s', err instanceof Error ? err.stack : String(err));
      this.schedule(this.o.backoffMaxMs ?? 300000);
    } finally {
      this.running = false;
    }
  }

  private signatureOf(batch: JournalEntry[]): { 'x-csu-signature'?: string } {
    const head = batch[batch.length - 1];
    if (!this.o.signing || !head) return {};
    return { 'x-csu-signature': signHead(this.o.signing.privateKeyPem, this.o.consoleId, head.seq, head.hash) };
  }

  /** Registers this console's public key with the one-time code the administrator stored (then forgotten: it is used). */
  private async enrol(token: string | undefined): Promise<EnrolResult> {
    if (!this.o.signing) return 'no_code';
    const r = await enrolKey({ url: this.url('key'), token, code: this.o.signing.enrolmentCode(), privateKeyPem: this.o.signing.privateKeyPem, ca: this.o.ca, timeoutMs: this.o.timeoutMs ?? 15000, log: this.o.log });
    if (r === 'ok') this.o.signing.onEnrolled?.();
    return r;
  }

  /** A 413: split the batch and send at once; a single entry refused is its own state, retried slowly. */
  private async tooLarge(acked: number, batch: JournalEntry[]): Promise<void> {
    if (batch.length > 1) {
      this.cap = Math.max(1, Math.floor(batch.length / 2));
      this.o.log.warn('mirror: batch of %d entries too large for the server; trying %d', batch.length, this.cap);
      return this.schedule(0);
    }
    const e = batch[0]!;
    const bytes = Buffer.byteLength(JSON.stringify({ entries: batch }));
    this.o.log.error('mirror: entry %d alone (%d bytes) is too large for the server', e.seq, bytes);
    this.setStatus({ state: 'too_large', seq: e.seq, bytes, ackedSeq: acked });
    this.schedule(this.o.backoffMaxMs ?? 300000);
  }

  private async retryLater(acked: number, why: string): Promise<void> {
    this.failures++;
    this.offlineSince ??= this.o.clock.now();
    const min = this.o.backoffMinMs ?? 1000;
    const max = this.o.backoffMaxMs ?? 300000;
    const base = Math.min(max, min * 2 ** (this.failures - 1));
    const delay = Math.round(base / 2 + Math.random() * (base / 2)); // jitter: consoles do not return in step
    this.o.log.warn('mirror: %s; retry in %d ms', why, delay);
    this.setStatus({ state: 'offline', since: this.offlineSince, pending: await this.pendingAfter(acked), ackedSeq: acked });
    this.schedule(delay);
  }

  private url(path: string): string {
    return `${this.o.serverUrl.replace(/\/$/, '')}/v1/consoles/${encodeURIComponent(this.o.consoleId)}/${path}`;
  }

  /**
   * The server is behind what it acknowledged. If what it holds is exactly this console's journal
   * up to its last seq (same hash), the mirror moves its cursor back there and resends: nothing is
   * skipped or rewritten, and the journal says it happened. Anything else is a divergence.
   */
  private async resync(acked: number, body: ConflictBody): Promise<void> {
    let ack: { seq?: unknown; hash?: unknown };
    try {
      const r = await request(this.url('ack'), { headers: { authorization: `Bearer ${this.token() ?? ''}` }, timeoutMs: this.o.timeoutMs ?? 15000, ...(this.o.ca ? { ca: this.o.ca } : {}) });
      if (!r.ok) return await this.retryLater(acked, `ack answered ${r.status}`);
      ack = r.json() as typeof ack;
    } catch (err) {
      return await this.retryLater(acked, `network: ${err instanceof Error ? err.message : String(err)}`);
    }
    const serverSeq = typeof ack.seq === 'number' && Number.isInteger(ack.seq) && ack.seq >= 0 ? ack.seq : -1;
    const mine = serverSeq > 0 ? (await entriesAfter(this.o.db, this.o.consoleId, serverSeq - 1, 1))[0] : undefined;
    const same = serverSeq === 0 ? ack.hash === null : mine?.seq === serverSeq && mine.hash === ack.hash;
    if (serverSeq < 0 || serverSeq >= acked || !same) {
      const seq = serverSeq > 0 ? serverSeq : (body.seq ?? acked + 1);
      return this.conflict(acked, { kind: 'divergence', seq, expectedSeq: serverSeq + 1, reason: `after a gap, the server's entry ${serverSeq} is not this console's` });
    }
    this.o.log.warn('mirror: the server holds up to seq %d but had acknowledged %d (restored?): resending from there', serverSeq, acked);
    await appendEntry(this.o.db, this.o.consoleId, { kind: 'mirror.resync', actor: 'system', ts: this.o.clock.now(), payload: { serverSeq, ackedSeq: acked } });
    await this.outbox.moveBack({ seq: serverSeq, hash: serverSeq === 0 ? null : (ack.hash as string), at: this.o.clock.now() });
    this.setStatus({ state: 'pending', pending: await this.pendingAfter(serverSeq), ackedSeq: serverSeq });
    this.schedule(0);
  }

  private async conflict(acked: number, c: ConflictBody): Promise<void> {
    this.stopped = true;
    const message = c.reason ?? 'conflict';
    this.o.log.error('mirror: conflict (%s) at seq %s: stopped, nothing skipped or rewritten', c.kind ?? 'unknown', c.seq ?? c.expectedSeq);
    // Journal it once, not at every restart that meets the same conflict.
    const lastPayload = (await lastEntryOfKind(this.o.db, this.o.consoleId, 'mirror.conflict'))?.payload;
    if (!lastPayload || lastPayload.expectedSeq !== c.expectedSeq || lastPayload.seq !== c.seq) {
      await appendEntry(this.o.db, this.o.consoleId, {
        kind: 'mirror.conflict',
        actor: 'system',
        ts: this.o.clock.now(),
        payload: { status: 409, ...(c.expectedSeq !== undefined ? { expectedSeq: c.expectedSeq } : {}), ...(c.seq !== undefined ? { seq: c.seq } : {}), ...(c.kind ? { kind: c.kind } : {}), message: message.slice(0, 500) },
      });
    }
    this.setStatus({ state: 'conflict', ...(c.expectedSeq !== undefined ? { expectedSeq: c.expectedSeq } : {}), ...(c.seq !== undefined ? { seq: c.seq } : {}), ...(c.kind ? { kind: c.kind } : {}), message, ackedSeq: acked });
  }
}
