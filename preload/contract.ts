/**
 * The one typed API between the renderer and main. Main's handlers, the Electron preload
 * and the headless WebSocket client are all derived from this object, so they cannot drift.
 *
 * Adding a method: one line under its namespace in `contract`, one handler in main.
 */
import { z } from 'zod';

export const ErrorCode = z.enum([
  'INVALID_ARGUMENT',
  'UNKNOWN_METHOD',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNAVAILABLE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** What every failed call rejects with, on both transports (a plain object: it crosses contextBridge intact). */
export const CsuErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  details: z.unknown().optional(),
});
export type CsuError = z.infer<typeof CsuErrorSchema>;

export function isCsuError(value: unknown): value is CsuError {
  return CsuErrorSchema.safeParse(value).success;
}

const method = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R) => ({ args, result });
const none = z.undefined();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['demo', 'production']),
  consoleId: z.string(),
  buildTime: z.string(),
  shell: z.enum(['electron', 'headless']),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** Kept equal to db/motives.ts by a unit test (preload imports nothing but zod). */
export const MOTIVES = ['atteintes_integrite_physique', 'vols', 'degradations', 'attroupements', 'occupations_abusives', 'intervention_police'] as const;
export const ZONES = ['hall', 'parking', 'sous_sol', 'parties_communes'] as const;
const id = z.string().min(1).max(100);
const grantId = z.string().uuid();

export const OperatorView = z.object({ matricule: z.string(), name: z.string(), role: z.enum(['operateur', 'superviseur', 'administrateur']), designated: z.boolean() });
export type OperatorView = z.infer<typeof OperatorView>;

/** What the renderer may know of the catalogue: never a camera URL or credential. */
export const CatalogueView = z.object({
  sites: z.array(
    z.object({
      id,
      name: z.string(),
      bailleurName: z.string(),
      addresses: z.array(z.string()),
      homes: z.number(),
      cameras: z.array(z.object({ id, label: z.string(), zone: z.enum(ZONES) })),
      convention: z.object({ id, validFrom: z.string(), validTo: z.string(), motives: z.array(z.enum(MOTIVES)), minDurationMin: z.number(), maxDurationMin: z.number(), serviceIds: z.array(z.string()) }).nullable(),
    }),
  ),
  services: z.array(z.object({ id, name: z.string(), kind: z.enum(['police_municipale', 'police_nationale']) })),
});
export type CatalogueView = z.infer<typeof CatalogueView>;

export const GrantView = z.object({
  id: grantId,
  siteId: id,
  siteName: z.string(),
  cameras: z.array(z.object({ id, label: z.string(), zone: z.enum(ZONES) })),
  motive: z.enum(MOTIVES),
  serviceId: id,
  serviceName: z.string(),
  operator: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
});
export type GrantView = z.infer<typeof GrantView>;

export const RequestArgs = z
  .object({
    siteId: z.string().max(100),
    cameraIds: z.array(z.string().max(100)).max(64),
    motive: z.string().max(100),
    justification: z.string().max(5000),
    durationMin: z.number().finite(),
    serviceId: z.string().max(100),
  })
  .strict();
export type RequestArgs = z.infer<typeof RequestArgs>;

export const RegistryRowView = z.object({
  grantId: z.string(),
  consoleId: z.string(),
  startsAt: z.number(),
  scheduledEndAt: z.number(),
  grantedMin: z.number(),
  effectiveMin: z.number().nullable(),
  siteName: z.string(),
  serviceName: z.string(),
  motive: z.enum(MOTIVES),
  cameras: z.array(z.object({ id: z.string(), label: z.string(), zone: z.enum(ZONES) })),
  operatorMatricule: z.string(),
  operatorName: z.string(),
  endReason: z.enum(['expired', 'stopped_by_operator', 'application_stopped', 'fault']).nullable(),
  endedAt: z.number().nullable(),
});

const ok = z.object({ ok: z.literal(true) });

export const MirrorStatusView = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not_configured') }),
  z.object({ state: z.literal('starting') }),
  z.object({ state: z.literal('synchronised'), ackedSeq: z.number() }),
  z.object({ state: z.literal('pending'), pending: z.number(), ackedSeq: z.number() }),
  z.object({ state: z.literal('offline'), since: z.number(), pending: z.number(), ackedSeq: z.number() }),
  z.object({ state: z.literal('conflict'), expectedSeq: z.number().optional(), message: z.string(), ackedSeq: z.number() }),
  z.object({ state: z.literal('refused'), status: z.number(), ackedSeq: z.number() }),
]);
export type MirrorStatusView = z.infer<typeof MirrorStatusView>;

export const contract = {
  app: {
    info: method(none, AppInfo),
    /** The console's wall clock (main's, which the renderer must follow for countdowns). */
    clock: method(none, z.object({ now: z.number() })),
  },
  session: {
    login: method(z.object({ matricule: z.string().min(1).max(32), password: z.string().min(1).max(200) }).strict(), OperatorView),
    logout: method(none, ok),
    current: method(none, OperatorView.nullable()),
  },
  catalogue: {
    get: method(none, CatalogueView),
  },
  grants: {
    request: method(RequestArgs, z.union([z.object({ accepted: z.literal(true), grant: GrantView }), z.object({ accepted: z.literal(false), reasons: z.array(z.string()) })])),
    openStreams: method(z.object({ grantId }).strict(), z.object({ streams: z.array(z.object({ cameraId: z.string(), url: z.string() })) })),
    stop: method(z.object({ grantId }).strict(), ok),
    list: method(none, z.array(GrantView)),
  },
  mirror: {
    status: method(none, z.lazy(() => MirrorStatusView)),
  },
  registry: {
    list: method(
      z.object({ from: z.number().int().optional(), to: z.number().int().optional(), siteId: id.optional(), serviceId: id.optional(), motive: z.enum(MOTIVES).optional() }).strict(),
      z.array(RegistryRowView),
    ),
  },
} as const;

/** Events main pushes to the renderer, with their payload schemas. */
export const events = {
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), code: z.string() }),
  'grant.started': z.object({ grantId: z.string() }),
  'mirror.status': z.lazy(() => MirrorStatusView),
  'grant.warning': z.object({ grantId: z.string(), minutesLeft: z.number(), endsAt: z.number() }),
  'grant.ended': z.object({ grantId: z.string(), reason: z.enum(['expired', 'stopped_by_operator', 'application_stopped', 'fault']) }),
  /** A camera stream's state, for its tile: connexion…, en direct, reconnexion…, error codes. */
  'stream.status': z.object({
    grantId: z.string(),
    cameraId: z.string(),
    state: z.enum(['connecting', 'live', 'reconnecting', 'error', 'stopped']),
    code: z.enum(['UNREACHABLE', 'AUTH_FAILED', 'CODEC_UNSUPPORTED', 'NO_DATA', 'STREAM_ENDED', 'FFMPEG_FAILED']).optional(),
  }),
} as const;

export type Contract = typeof contract;
export type Namespace = keyof Contract;
export type MethodOf<N extends Namespace> = keyof Contract[N] & string;
export type Channel = { [N in Namespace]: `${N & string}.${MethodOf<N>}` }[Namespace];
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

type Spec = { args: z.ZodType; result: z.ZodType };
type SpecAt<N extends Namespace, M extends MethodOf<N>> = Contract[N][M] extends Spec ? Contract[N][M] : never;

/** The API as the renderer sees it: `window.csu.app.info()`. */
export type CsuApi = {
  [N in Namespace]: {
    [M in MethodOf<N>]: SpecAt<N, M>['args'] extends z.ZodUndefined
      ? () => Promise<z.output<SpecAt<N, M>['result']>>
      : (args: z.input<SpecAt<N, M>['args']>) => Promise<z.output<SpecAt<N, M>['result']>>;
  };
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Main's side: one handler per method, receiving parsed arguments. */
export type Handlers<Ctx> = {
  [N in Namespace]: {
    [M in MethodOf<N>]: (
      args: z.output<SpecAt<N, M>['args']>,
      ctx: Ctx,
    ) => Promise<z.input<SpecAt<N, M>['result']>> | z.input<SpecAt<N, M>['result']>;
  };
};

export function channels(): Channel[] {
  const out: string[] = [];
  for (const ns of Object.keys(contract) as Namespace[]) {
    for (const m of Object.keys(contract[ns])) out.push(`${ns}.${m}`);
  }
  return out as Channel[];
}

export function specOf(channel: string): Spec | undefined {
  const [ns, m, ...rest] = channel.split('.');
  if (!ns || !m || rest.length > 0) return undefined;
  if (!Object.prototype.hasOwnProperty.call(contract, ns)) return undefined;
  const group = contract[ns as Namespace] as Record<string, Spec>;
  return Object.prototype.hasOwnProperty.call(group, m) ? group[m] : undefined;
}

/** Builds `window.csu` from any transport's `call` and `subscribe`. */
export function buildApi(
  call: (channel: Channel, args: unknown) => Promise<unknown>,
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void,
): CsuApi {
  const api: Record<string, unknown> = {};
  for (const ns of Object.keys(contract) as Namespace[]) {
    const group: Record<string, (args?: unknown) => Promise<unknown>> = {};
    for (const m of Object.keys(contract[ns])) {
      const channel = `${ns}.${m}` as Channel;
      group[m] = (args?: unknown) => call(channel, args);
    }
    api[ns] = Object.freeze(group);
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!Object.prototype.hasOwnProperty.call(events, event)) throw new Error(`unknown event ${String(event)}`);
    return subscribe(event, listener);
  };
  return Object.freeze(api) as CsuApi;
}

/** Wire messages of the headless WebSocket transport. */
export const WireRequest = z.object({
  id: z.number().int().nonnegative(),
  channel: z.string().max(200),
  args: z.unknown().optional(),
});
export type WireResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: CsuError };
export type WireEvent = { event: EventName; payload: unknown };

declare global {
  interface Window {
    csu: CsuApi;
  }
}
