/**
 * The contract's handlers: thin, each calls the service that owns the work. None checks the
 * session: the dispatcher has already checked the caller against the method's declared access,
 * and hands non-public handlers the caller in `ctx.operator`.
 */
import type { Knex } from 'knex';
import { listCameras, listConventions, listServices, listSites, parisDay } from '../db/catalogue';
import { entriesOfKinds } from '../db/journal';
import { registryRows } from '../db/registry';
import { REGISTRY_EVENT_KINDS, type AppInfo, type CameraTestView, type CentralCatalogueView, type MirrorTestView, type Handlers, type IntegrityStatusView, type MirrorStatusView, type RegistryEventView } from '../preload/contract';
import { AppError } from './errors';
import type { Clock } from './clock';
import type { GrantService } from './grants/service';
import type { ReportService } from './reports/service';
import type { SessionService } from './session';
import type { AdminService } from './admin/service';
import type { ReviewService } from './review/service';
import type { WallState } from './wall';
import type { CatalogueFollower } from './mirror/catalogue-follower';
import type { CallContext } from './transport/dispatch';

export interface HandlerDeps {
  db: Knex;
  consoleId: string;
  clock: Clock;
  session: SessionService;
  grants: GrantService;
  info: () => Promise<AppInfo>;
  admin: AdminService;
  /** Technical facts about a camera (the relay's job: it holds ffmpeg and the credentials). */
  testCamera: (cameraId: string) => Promise<CameraTestView>;
  testMirror: () => Promise<MirrorTestView>;
  wall: WallState;
  review: ReviewService;
  mirrorStatus: () => MirrorStatusView;
  integrity: () => Promise<IntegrityStatusView>;
  reports: ReportService;
  /** The central catalogue this console follows; absent without a central server. */
  central?: CatalogueFollower | undefined;
}

const NOT_FOLLOWING: CentralCatalogueView = { following: false, canPublish: false, version: null, publishedAt: null, publishedBy: null, checkedAt: null, lastError: null };

export function buildHandlers(d: HandlerDeps): Handlers<CallContext> {
  return {
    app: { info: () => d.info(), clock: () => ({ now: d.clock.now() }) },
    session: {
      login: (a) => d.session.login(a.matricule, a.password),
      logout: async () => {
        await d.session.logout('logout');
        return { ok: true as const };
      },
      current: (_a, ctx) => ctx.operator ?? null,
      changePassword: (a) => d.session.changePassword(a.current, a.next),
      createFirstAdmin: async (a) => {
        if ((await d.info()).setup !== 'first_admin') throw new AppError('SETUP_DONE', 'the console is already set up');
        return d.session.createFirstAdmin(a.matricule, a.name, a.password);
      },
    },
    catalogue: {
      get: async () => {
        const day = parisDay(d.clock.now());
        const [sites, cameras, conventions, services] = await Promise.all([listSites(d.db), listCameras(d.db), listConventions(d.db), listServices(d.db)]);
        return {
          sites: sites
            .filter((s) => s.active)
            .map((s) => {
              const c = conventions.find((x) => x.siteId === s.id && x.validFrom <= day && day <= x.validTo);
              return {
                id: s.id,
                name: s.name,
                bailleurId: s.bailleurId,
                bailleurName: s.bailleurName,
                addresses: s.addresses,
                homes: s.homes,
                cameras: cameras.filter((cam) => cam.siteId === s.id && cam.active).map((cam) => ({ id: cam.id, label: cam.label, zone: cam.zone })),
                convention: c ? { id: c.id, validFrom: c.validFrom, validTo: c.validTo, motives: c.motives, minDurationMin: c.minDurationMin, maxDurationMin: c.maxDurationMin, serviceIds: c.serviceIds, recordingAllowed: c.recordingAllowed, retentionDays: c.retentionDays } : null,
              };
            }),
          services: services.filter((s) => s.active).map((s) => ({ id: s.id, name: s.name, kind: s.kind })),
        };
      },
      alerts: () => d.admin.alerts(),
    },
    review: {
      timeline: (a, ctx) => d.review.timeline(a, ctx.operator.matricule),
      entry: (a) => d.review.entry(a.seq),
      exportEvidence: (a, ctx) => d.review.exportEvidence(a, ctx.operator.matricule),
      recording: (a) => d.review.recording(a.grantId, a.cameraId),
      play: (a, ctx) => d.review.play(a, ctx.operator.matricule),
    },
    admin: {
      catalogue: () => d.admin.catalogue(),
      importCatalogue: (a, ctx) => d.admin.importFile(a.text, a.dryRun, ctx.operator.matricule),
      exportCatalogue: async () => ({ text: await d.admin.exportFile() }),
      saveBailleur: async (a, ctx) => ({ version: await d.admin.saveBailleur(a, ctx.operator.matricule) }),
      saveService: async (a, ctx) => ({ version: await d.admin.saveService(a, ctx.operator.matricule) }),
      saveSite: async (a, ctx) => ({ version: await d.admin.saveSite(a, ctx.operator.matricule) }),
      saveCamera: async (a, ctx) => ({ version: await d.admin.saveCamera(a, ctx.operator.matricule) }),
      saveConvention: async (a, ctx) => ({ version: await d.admin.saveConvention(a, ctx.operator.matricule) }),
      saveOperator: (a, ctx) => d.admin.saveOperator(a, ctx.operator.matricule),
      resetPassword: async (a, ctx) => ({ temporaryPassword: await d.admin.resetPassword(a.matricule, ctx.operator.matricule) }),
      testCamera: (a) => d.testCamera(a.cameraId),
      setMirror: async (a, ctx) => {
        await d.admin.setMirror(a, ctx.operator.matricule);
        return { ok: true as const };
      },
      testMirror: () => d.testMirror(),
      centralCatalogue: () => d.central?.view() ?? NOT_FOLLOWING,
      checkCentralCatalogue: () => {
        if (!d.central) throw new AppError('CATALOGUE_CENTRAL_NOT_CONFIGURED', 'no central server configured');
        return d.central.pull();
      },
      publishCatalogue: (_a, ctx) => {
        if (!d.central) throw new AppError('CATALOGUE_CENTRAL_NOT_CONFIGURED', 'no central server configured');
        return d.central.publish(ctx.operator.matricule);
      },
    },
    grants: {
      request: (a, ctx) => d.grants.request(a, ctx.operator.matricule),
      openStreams: async (a, ctx) => {
        const streams = await d.grants.openStreams(a.grantId, ctx.operator, ctx.page);
        d.wall.show(d.grants.get(a.grantId)!);
        return { streams };
      },
      stop: async (a, ctx) => {
        await d.grants.stop(a.grantId, ctx.operator);
        return { ok: true as const };
      },
      list: () => d.grants.list(),
      streamState: (a) => d.grants.streamState(a.grantId, a.cameraId),
    },
    wall: {
      get: (_a, ctx) => d.wall.list(ctx.operator.matricule).map((e) => ({ grant: e.grant, ...(e.ended ? { ended: e.ended } : {}) })),
      dismiss: (a) => ({ dismissed: d.wall.dismiss(a.grantId) }),
    },
    mirror: {
      status: () => d.mirrorStatus(),
    },
    registry: {
      list: (a, ctx) => {
        checkPeriod(a);
        // An opérateur sees the transmissions they requested; superviseurs and administrateurs see all.
        const operator = ctx.operator.role === 'operateur' ? ctx.operator.matricule : a.operator;
        return registryRows(d.db, { ...a, operator });
      },
      events: async (a) => {
        checkPeriod(a);
        const entries = await entriesOfKinds(d.db, d.consoleId, a.kinds ?? REGISTRY_EVENT_KINDS, a);
        // A supervisor reads « Nadia Benali (SUP201) », not a bare matricule: names from the catalogue, one query.
        const names = new Map((await d.db('operators').select('matricule', 'name')).map((o: { matricule: string; name: string }) => [o.matricule, o.name]));
        return entries.map((e): RegistryEventView => ({ seq: e.seq, ts: e.ts, kind: e.kind as RegistryEventView['kind'], actor: e.actor, actorName: names.get(e.actor), payload: e.payload as Record<string, unknown> }));
      },
    },
    reports: {
      preview: (a) => d.reports.preview(a),
      generate: (a, ctx) => {
        const { format, delivery, ...filters } = a;
        return d.reports.generate(filters, format, delivery, ctx.operator);
      },
      sources: () => d.reports.sources(),
    },
    integrity: {
      status: () => d.integrity(),
    },
  };
}

function checkPeriod(p: { from?: number | undefined; to?: number | undefined }): void {
  if (p.from !== undefined && p.to !== undefined && p.to <= p.from) throw new AppError('PERIOD_INVALID', 'the period ends before it starts');
}
