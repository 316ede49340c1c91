/** The contract's handlers: thin, each checks the session, then calls the service that owns the work. */
import type { Knex } from 'knex';
import { listCameras, listConventions, listServices, listSites, parisDay } from '../db/catalogue';
import { registryRows } from '../db/registry';
import type { AppInfo, Handlers, MirrorStatusView } from '../preload/contract';
import type { Clock } from './clock';
import type { GrantService } from './grants/service';
import type { SessionService } from './session';
import type { CallContext } from './transport/dispatch';

export interface HandlerDeps {
  db: Knex;
  clock: Clock;
  session: SessionService;
  grants: GrantService;
  info: () => AppInfo;
  mirrorStatus: () => MirrorStatusView;
}

export function buildHandlers(d: HandlerDeps): Handlers<CallContext> {
  return {
    app: { info: () => d.info(), clock: () => ({ now: d.clock.now() }) },
    session: {
      login: (a) => d.session.login(a.matricule, a.password),
      logout: async () => {
        await d.session.logout('logout');
        return { ok: true as const };
      },
      current: () => d.session.operator ?? null,
    },
    catalogue: {
      get: async () => {
        d.session.require();
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
                bailleurName: s.bailleurName,
                addresses: s.addresses,
                homes: s.homes,
                cameras: cameras.filter((cam) => cam.siteId === s.id && cam.active).map((cam) => ({ id: cam.id, label: cam.label, zone: cam.zone })),
                convention: c ? { id: c.id, validFrom: c.validFrom, validTo: c.validTo, motives: c.motives, minDurationMin: c.minDurationMin, maxDurationMin: c.maxDurationMin, serviceIds: c.serviceIds } : null,
              };
            }),
          services: services.filter((s) => s.active).map((s) => ({ id: s.id, name: s.name, kind: s.kind })),
        };
      },
    },
    grants: {
      request: (a) => d.grants.request(a, d.session.require().matricule),
      openStreams: async (a) => ({ streams: await d.grants.openStreams(a.grantId, d.session.require().matricule) }),
      stop: async (a) => {
        d.session.require();
        await d.grants.stop(a.grantId);
        return { ok: true as const };
      },
      list: () => {
        d.session.require();
        return d.grants.list();
      },
    },
    mirror: {
      status: () => d.mirrorStatus(),
    },
    registry: {
      list: (a) => {
        d.session.require();
        return registryRows(d.db, a);
      },
    },
  };
}
