/**
 * Grants: a request checked against the site's convention becomes a grant; its streams flow only
 * until its end, which main enforces itself (timer per grant + a one-second sweep on wall time),
 * whatever the renderer does.
 */
import { randomUUID } from 'node:crypto';
import { getOperator, getSite, listCameras, listConventions, listServices } from '../../db/catalogue';
import { appendEntries, appendEntry } from '../../db/journal';
import { openGrantsInJournal } from '../../db/open-grants';
import type { EndReason } from '../../db/journal-kinds';
import type { Motive } from '../../db/motives';
import { AppError } from '../errors';
import type { PageEnd, RelayCamera, StreamStatus } from '../relay/hub';
import type { StopReason } from '../recording/recorder';
import { checkRequest, type RefusalCode, type RequestInput } from './rules';
import { MAX_TIMER_MS, sourcesOf, type Active, type Caller, type Grant, type GrantServiceOptions } from './types';

export { MAX_TIMER_MS, type Caller, type Grant, type GrantServiceOptions } from './types';

export class GrantService {
  private readonly active = new Map<string, Active>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly warnings: number[];
  private requests: Promise<unknown> = Promise.resolve();

  private readonly password = (cameraId: string): string | undefined => this.o.cameraPassword?.(cameraId);

  constructor(private readonly o: GrantServiceOptions) {
    // Warnings at 10, 5 and 1 minute: the banners' countdown and the tiles' read the same end time.
    this.warnings = o.warningMinutes ?? [10, 5, 1];
    // Changed in place: the wall's entry holds this same object (wall.show takes it from get()), so wall.get says it too.
    o.events.subscribe((event, payload) => {
      if (event !== 'recording.stopped') return;
      const { grantId, reason } = payload as { grantId: string; reason: StopReason };
      const a = this.active.get(grantId);
      if (a) a.grant.recordingStopped = reason;
    });
  }

  start(): void {
    // A suspended laptop or a clock change can stretch a timer, never the wall clock: sweep too.
    this.sweeper = setInterval(() => this.sweep(), this.o.sweepMs ?? 1000);
    this.sweeper.unref();
    this.o.alive?.start();
  }

  list(): Grant[] {
    return [...this.active.values()].map((a) => a.grant).sort((a, b) => a.endsAt - b.endsAt);
  }

  get(grantId: string): Grant | undefined {
    return this.active.get(grantId)?.grant;
  }

  /**
   * One request at a time: the duplicate rule reads the running grants, so two requests for the
   * same camera and service must not both pass before either is active.
   */
  request(r: RequestInput, operatorMatricule: string): Promise<{ accepted: true; grant: Grant } | { accepted: false; reasons: RefusalCode[] }> {
    const run = this.requests.then(() => this.requestNow(r, operatorMatricule));
    this.requests = run.catch(() => undefined);
    return run;
  }

  private async requestNow(r: RequestInput, operatorMatricule: string): Promise<{ accepted: true; grant: Grant } | { accepted: false; reasons: RefusalCode[] }> {
    const { db, consoleId, clock } = this.o;
    const now = clock.now();
    // A renewal takes over a running grant this operator holds, on the same site; it is a new
    // request in every other way (the convention's rules, a new justification, its own duration).
    if (r.renews !== undefined) {
      const old = this.active.get(r.renews)?.grant;
      if (!old || now >= old.endsAt || old.holder !== operatorMatricule || old.siteId !== r.siteId) throw new AppError('GRANT_NOT_ACTIVE', 'a renewal needs a running grant of this operator on the same site');
    }
    const [site, conventions, cameras, services, operator] = await Promise.all([
      getSite(db, r.siteId),
      listConventions(db, r.siteId),
      listCameras(db),
      listServices(db),
      getOperator(db, operatorMatricule),
    ]);
    const named = cameras.filter((c) => r.cameraIds.includes(c.id));
    const { reasons, convention } = checkRequest(r, { now, site, conventions, cameras: named, services, operator, running: this.list() });
    if (reasons.length > 0 || !site || !convention || !operator) {
      // Refused attempts are part of the registry's evidence too.
      const entry = {
        kind: 'request.refused' as const,
        actor: operatorMatricule,
        ts: now,
        payload: { siteId: r.siteId.slice(0, 100) || undefined, cameraIds: r.cameraIds.slice(0, 64).map((c) => c.slice(0, 100)), motive: r.motive.slice(0, 100), durationMin: Number.isFinite(r.durationMin) ? r.durationMin : undefined, serviceId: r.serviceId.slice(0, 100), operator: operatorMatricule, reasons },
      };
      // Beyond a few a minute for one operator, counted into one summary entry (flooding).
      if (this.o.attempts) await this.o.attempts.record('request.refused', operatorMatricule, reasons.join(','), entry);
      else await appendEntry(db, consoleId, entry);
      return { accepted: false, reasons };
    }
    const service = services.find((s) => s.id === r.serviceId)!;
    const grant: Grant = {
      id: randomUUID(),
      siteId: site.id,
      siteName: site.name,
      cameras: [...new Set(r.cameraIds)].map((id) => named.find((c) => c.id === id)!).map((c) => ({ id: c.id, label: c.label, zone: c.zone })),
      motive: r.motive as Motive,
      serviceId: service.id,
      serviceName: service.name,
      operator: operator.matricule,
      holder: operator.matricule,
      startsAt: now,
      endsAt: now + r.durationMin * 60000,
      ...(r.renews !== undefined ? { renews: r.renews } : {}),
      ...(r.record ? { recorded: true } : {}),
    };
    // checkRequest refused a record the convention does not allow: here it allows it, with a retention.
    const record = r.record ? { reason: r.record.reason.trim(), retentionDays: convention.retentionDays ?? 30 } : undefined;
    await appendEntries(db, consoleId, [
      {
        kind: 'request.accepted',
        actor: operator.matricule,
        ts: now,
        payload: { grantId: grant.id, siteId: site.id, siteName: site.name, conventionId: convention.id, cameras: grant.cameras, motive: grant.motive, justification: r.justification.trim(), durationMin: r.durationMin, serviceId: service.id, serviceName: service.name, operator: { matricule: operator.matricule, name: operator.name }, startsAt: grant.startsAt, endsAt: grant.endsAt, ...(grant.renews !== undefined ? { renews: grant.renews } : {}), ...(record ? { record } : {}) },
      },
      { kind: 'transmission.started', actor: operator.matricule, ts: now, payload: { grantId: grant.id, startedAt: now } },
    ]);
    const sources = sourcesOf(named, this.password);
    this.activate(grant, sources);
    if (record) await this.startRecording(grant, record.retentionDays, sources);
    this.o.events.emit('grant.started', { grantId: grant.id });
    return { accepted: true, grant };
  }

  /** Recording failing to start never refuses the grant: the recorder journals why it did not record. */
  private async startRecording(grant: Grant, retentionDays: number, sources: Active['sources']): Promise<void> {
    try {
      await this.o.recorder?.start(grant, retentionDays, (id) => sources.get(id));
    } catch (err) {
      this.o.log.error('grant %s: recording did not start: %s', grant.id, err instanceof Error ? err.message : String(err));
    }
  }

  private activate(grant: Grant, sources: Active['sources']): void {
    const a: Active = { grant, warned: new Set(), sources };
    this.active.set(grant.id, a);
    this.arm(a);
  }

  private arm(a: Active): void {
    clearTimeout(a.timer);
    const now = this.o.clock.now();
    const nextWarning = this.warnings.map((m) => a.grant.endsAt - m * 60000).filter((t) => t > now).sort((x, y) => x - y)[0];
    const next = Math.min(a.grant.endsAt, nextWarning ?? Infinity);
    // setTimeout fires at once past 2^31-1 ms (and warns): clamp, and tick() re-arms until the end.
    a.timer = setTimeout(() => this.tick(a.grant.id), Math.min(MAX_TIMER_MS, Math.max(0, next - now)));
    a.timer.unref();
  }

  /** Called when the wall clock may have jumped (test hooks; a system clock change is caught by the sweep). */
  reschedule(): void {
    for (const a of this.active.values()) this.tick(a.grant.id);
  }

  private sweep(): void {
    for (const id of [...this.active.keys()]) this.tick(id);
  }

  private tick(grantId: string): void {
    const a = this.active.get(grantId);
    if (!a) return;
    const now = this.o.clock.now();
    if (now >= a.grant.endsAt) {
      this.end(grantId, 'expired', now).catch((err: unknown) => this.o.log.error('grant %s: ending failed: %s', grantId, err instanceof Error ? err.stack : String(err)));
      return;
    }
    for (const m of this.warnings) {
      if (now >= a.grant.endsAt - m * 60000 && !a.warned.has(m)) {
        a.warned.add(m);
        this.o.events.emit('grant.warning', { grantId, minutesLeft: m, endsAt: a.grant.endsAt });
      }
    }
    this.arm(a);
  }

  /** One camera's stream state for its tile (it may have missed the events sent before it existed). */
  streamState(grantId: string, cameraId: string): StreamStatus {
    const a = this.active.get(grantId);
    if (!a || this.o.clock.now() >= a.grant.endsAt || !a.grant.cameras.some((c) => c.id === cameraId)) throw new AppError('GRANT_NOT_ACTIVE', 'no active grant with this id and camera');
    return this.o.relay.streamState(grantId, cameraId) ?? { grantId, cameraId, state: 'connecting', seq: 0 };
  }

  /**
   * Opens a grant's streams for the caller. The holder opens them as often as the wall needs; a
   * designated operator opening another's grant takes it over (shift change), journaled as such.
   */
  async openStreams(grantId: string, caller: Caller, page?: PageEnd): Promise<{ cameraId: string; url: string; mainUrl?: string }[]> {
    const a = this.active.get(grantId);
    // Expired, stopped, forged: all look the same from here, and all are refused.
    if (!a || this.o.clock.now() >= a.grant.endsAt) throw new AppError('GRANT_NOT_ACTIVE', 'no active grant with this id');
    if (a.grant.holder !== caller.matricule) {
      if (!caller.designated) throw new AppError('TAKEOVER_NOT_DESIGNATED', 'only a designated operator may take over a grant');
      const from = a.grant.holder;
      a.grant = { ...a.grant, holder: caller.matricule };
      await appendEntry(this.o.db, this.o.consoleId, { kind: 'grant.taken_over', actor: caller.matricule, ts: this.o.clock.now(), payload: { grantId, from, to: caller.matricule } });
    }
    // The grid plays a camera's sub stream where it has one; its main stream runs only while an
    // enlarged tile shows it (lazy in the relay).
    // A renewal on the page that showed its predecessor takes that page's streams over: same
    // sockets, no reconnection (the predecessor still runs: it is renewed before it ends).
    const from = a.grant.renews !== undefined && this.active.has(a.grant.renews) ? a.grant.renews : undefined;
    const open = (camera: RelayCamera) => (from !== undefined ? this.o.relay.carryOver(from, grantId, camera, page) : undefined) ?? this.o.relay.open(grantId, camera, page);
    const streams = a.grant.cameras.map((c) => {
      const src = a.sources.get(c.id)!;
      const main = open({ id: c.id, label: c.label, sourceUrl: src.main, lazy: !!src.sub });
      if (!src.sub) return { cameraId: c.id, url: main.url };
      const sub = open({ id: c.id, label: c.label, sourceUrl: src.sub, variant: 'sub' });
      return { cameraId: c.id, url: sub.url, mainUrl: main.url };
    });
    await appendEntries(
      this.o.db,
      this.o.consoleId,
      streams.map((s) => ({ kind: 'stream.opened' as const, actor: caller.matricule, ts: this.o.clock.now(), payload: { grantId, cameraId: s.cameraId } })),
    );
    return streams;
  }

  /** The holder stops their grant; a superviseur stops anyone's, and the registry says so. */
  async stop(grantId: string, caller: Caller): Promise<void> {
    const a = this.active.get(grantId);
    if (!a) throw new AppError('GRANT_NOT_ACTIVE', 'no active grant with this id');
    const own = a.grant.holder === caller.matricule;
    if (!own && caller.role !== 'superviseur') throw new AppError('NOT_GRANT_HOLDER', 'only the holder or a supervisor may stop this grant');
    await this.end(grantId, own ? 'stopped_by_operator' : 'stopped_by_supervisor', this.o.clock.now(), { stoppedBy: caller.matricule });
  }

  /** Ends a grant once: the bytes stop first (relay), then the end is journaled. */
  private async end(grantId: string, reason: EndReason, observedAt: number, extra: { endedAt?: number; noticedAtStart?: boolean; stoppedBy?: string; detail?: string } = {}): Promise<void> {
    const a = this.active.get(grantId);
    if (!a) return;
    this.active.delete(grantId);
    clearTimeout(a.timer);
    // The tile says « interrompue » for either early stop; the registry keeps who stopped it.
    const relayReason = reason === 'stopped_by_supervisor' ? 'stopped_by_operator' : reason;
    // Closing the grant in the relay also seals and journals its recording's last segments.
    await this.o.relay.closeGrant(grantId, relayReason);
    this.o.recorder?.ended(grantId);
    const endedAt = extra.endedAt ?? (reason === 'expired' ? a.grant.endsAt : observedAt);
    await appendEntry(this.o.db, this.o.consoleId, {
      kind: 'transmission.ended',
      actor: extra.stoppedBy ?? 'system',
      ts: observedAt,
      payload: { grantId, reason, scheduledEndAt: a.grant.endsAt, observedAt, endedAt, ...(extra.noticedAtStart ? { noticedAtStart: true } : {}), ...(extra.stoppedBy ? { stoppedBy: extra.stoppedBy } : {}), ...(extra.detail ? { detail: extra.detail } : {}) },
    });
    this.o.events.emit('grant.ended', { grantId, reason });
  }

  /** Stops every timer and forgets the grants, journaling nothing: what a crashed process leaves behind (tests). */
  halt(): void {
    clearInterval(this.sweeper);
    this.o.alive?.halt();
    for (const a of this.active.values()) clearTimeout(a.timer);
    this.active.clear();
  }

  /** Application quit: every active grant ends now, journaled as such. */
  async shutdown(): Promise<void> {
    clearInterval(this.sweeper);
    const now = this.o.clock.now();
    for (const id of [...this.active.keys()]) await this.end(id, 'application_stopped', now);
    this.o.alive?.stopClean();
  }

  /**
   * At start: grants the journal shows open (the journal, never the registry view) are resumed
   * while their window lasts, or closed as expired at their scheduled end (noticed at start) if
   * it passed while the console was down. The time the console was down (from its last « alive »
   * mark) is journaled first as an interruption. A grant the verified part of the journal does
   * not cover is not trusted with images: it ends as a fault.
   */
  async restore(o: { downSince?: number; trustedSeq?: number } = {}): Promise<void> {
    const { db, consoleId, clock } = this.o;
    const now = clock.now();
    const open = await openGrantsInJournal(db, consoleId);
    const cameras = await listCameras(db);
    for (const { accepted: p, holder, acceptedSeq } of open) {
      // The convention caps a request at its duration: an end beyond it was never granted.
      const endsAt = Math.min(p.endsAt, p.startsAt + p.durationMin * 60000);
      const grant: Grant = { id: p.grantId, siteId: p.siteId, siteName: p.siteName, cameras: p.cameras, motive: p.motive, serviceId: p.serviceId, serviceName: p.serviceName, operator: p.operator.matricule, holder, startsAt: p.startsAt, endsAt, ...(p.renews !== undefined ? { renews: p.renews } : {}), ...(p.record ? { recorded: true } : {}) };
      if (o.downSince !== undefined) {
        const from = Math.max(o.downSince, grant.startsAt);
        const to = Math.min(now, grant.endsAt);
        if (to > from) await appendEntry(db, consoleId, { kind: 'transmission.interrupted', actor: 'system', ts: now, payload: { grantId: grant.id, from, to } });
      }
      this.active.set(grant.id, { grant, warned: new Set(), sources: new Map() });
      if (o.trustedSeq !== undefined && acceptedSeq > o.trustedSeq) {
        await this.end(grant.id, 'fault', now, { detail: 'journal altered at or before this grant: not resumed' });
      } else if (grant.endsAt > now) {
        this.active.delete(grant.id);
        await appendEntry(db, consoleId, { kind: 'transmission.resumed', actor: 'system', ts: now, payload: { grantId: grant.id, resumedAt: now, endsAt: grant.endsAt } });
        const sources = sourcesOf(cameras, this.password);
        this.activate(grant, sources);
        if (p.record) await this.startRecording(grant, p.record.retentionDays, sources);
      } else {
        await this.end(grant.id, 'expired', now, { endedAt: grant.endsAt, noticedAtStart: true });
      }
    }
  }
}
