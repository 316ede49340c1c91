/**
 * The one typed API between the renderer and main. Main's handlers, the Electron preload
 * and the headless WebSocket client are all derived from this object, so they cannot drift.
 *
 * Adding a method: one line under its namespace in `contract`, one handler in main.
 */
import { z } from 'zod';
import { AdminCatalogueView, CameraTestView, CentralCatalogueView, ConventionAlertView, ImportResultView, MirrorTestView, SaveBailleurArgs, SaveCameraArgs, SaveConventionArgs, SaveOperatorArgs, SaveServiceArgs, SaveSiteArgs } from './admin';
import { EvidenceArgs, EvidenceView, JournalEntryView, PlayArgs, PlayView, RecordingArgs, RecordingView, TimelineArgs, TimelineView } from './review';
import { COMMON_ERROR_CODES, END_REASONS, MIRROR_CONFLICT_KINDS, MIRROR_REFUSAL_REASONS, MOTIVES, REPORT_SOURCES, REFUSAL_CODES, REPORT_DELIVERIES, REPORT_FORMATS, ROLES, STREAM_ERROR_CODES, STREAM_STATES, ZONES, type Access, type ErrorCode } from './vocabulary';

export { ACCESS, COMMON_ERROR_CODES, END_REASONS, ERROR_CODES, ErrorCode, MIRROR_CONFLICT_KINDS, MIRROR_REFUSAL_REASONS, MIRROR_STATES, REPORT_SOURCES, MOTIVES, REFUSAL_CODES, REPORT_DELIVERIES, REPORT_FORMATS, ROLES, STREAM_ERROR_CODES, STREAM_STATES, ZONES } from './vocabulary';
export type { Access, EndReason, Motive, RefusalCode, Role, Zone } from './vocabulary';
export * from './admin';
export * from './review';

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

/**
 * One method of the contract: who may call it, what it takes, what it returns and the codes it
 * may fail with (beyond the common ones the dispatcher adds itself). `access` and `errors` are
 * required: a method that does not say who may call it does not compile.
 */
export interface MethodSpec<A extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  access: Access | readonly Access[];
  args: A;
  result: R;
  errors: readonly ErrorCode[];
  /** Callable by an operator who must still change a temporary password (everything else waits for the change). */
  beforePasswordChange?: true;
}
const method = <A extends z.ZodType, R extends z.ZodType, const Acc extends Access | readonly Access[]>(spec: MethodSpec<A, R> & { access: Acc }): MethodSpec<A, R> & { access: Acc } => spec;
const none = z.undefined();

/** Whether an operator (or nobody, logged out) may call a method of this access. */
export function mayCall(access: MethodSpec['access'], op: { role: (typeof ROLES)[number]; designated: boolean } | null | undefined): boolean {
  const levels: readonly Access[] = typeof access === 'string' ? [access] : access;
  return levels.some((level) => {
    switch (level) {
      case 'public':
        return true;
      case 'operator':
        // A superviseur has the opérateur's rights; an administrateur only when designated.
        return !!op && (op.role === 'operateur' || op.role === 'superviseur' || (op.role === 'administrateur' && op.designated));
      case 'supervisor':
        return !!op && op.role === 'superviseur';
      case 'admin':
        return !!op && op.role === 'administrateur';
    }
  });
}

/** Every code a call of this method may fail with: the common ones plus its own. */
export function errorsOf(spec: MethodSpec): readonly string[] {
  return [...COMMON_ERROR_CODES, ...spec.errors];
}

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['demo', 'production']),
  consoleId: z.string(),
  buildTime: z.string(),
  shell: z.enum(['electron', 'headless']),
  /** A production console with no operator yet shows one screen: create the first administrateur. */
  setup: z.enum(['first_admin', 'ready']),
  /** The catalogue's version (every administrative change raises it). */
  catalogueVersion: z.number(),
});
export type AppInfo = z.infer<typeof AppInfo>;

const id = z.string().min(1).max(100);
const grantId = z.string().uuid();

export const OperatorView = z.object({ matricule: z.string(), name: z.string(), role: z.enum(ROLES), designated: z.boolean(), mustChangePassword: z.boolean() });
export type OperatorView = z.infer<typeof OperatorView>;

/** What the renderer may know of the catalogue: never a camera URL or credential. */
export const CatalogueView = z.object({
  sites: z.array(
    z.object({
      id,
      name: z.string(),
      bailleurId: z.string(),
      bailleurName: z.string(),
      addresses: z.array(z.string()),
      homes: z.number(),
      cameras: z.array(z.object({ id, label: z.string(), zone: z.enum(ZONES) })),
      convention: z
        .object({ id, validFrom: z.string(), validTo: z.string(), motives: z.array(z.enum(MOTIVES)), minDurationMin: z.number(), maxDurationMin: z.number(), serviceIds: z.array(z.string()), recordingAllowed: z.boolean().optional(), retentionDays: z.number().nullable().optional() })
        .nullable(),
    }),
  ),
  services: z.array(z.object({ id, name: z.string(), kind: z.enum(['police_municipale', 'police_nationale']) })),
});
export type CatalogueView = z.infer<typeof CatalogueView>;

/** Why main stopped a grant's recording before its end (the disk below 10 % free, the quota, a failed write). */
export const RECORDING_STOP_REASONS = ['disk_low', 'quota', 'write_failed'] as const;

export const GrantView = z.object({
  id: grantId,
  siteId: id,
  siteName: z.string(),
  cameras: z.array(z.object({ id, label: z.string(), zone: z.enum(ZONES) })),
  motive: z.enum(MOTIVES),
  serviceId: id,
  serviceName: z.string(),
  /** Who requested it. */
  operator: z.string(),
  /** Who holds it now: the requester, or the operator who took it over at a shift change. */
  holder: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  /** The grant this one renews, if any. */
  renews: grantId.optional(),
  /** Recorded (the convention allows it and the request asked for it). */
  recorded: z.boolean().optional(),
  /** Main stopped its recording before its end (main's state: a reload shows it as the event did). */
  recordingStopped: z.enum(RECORDING_STOP_REASONS).optional(),
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
    /** Renewal: the running grant this request takes over from, without a black gap on the wall. */
    renews: grantId.optional(),
    /** Record the transmission, with a reason: refused (RECORDING_NOT_ALLOWED) unless the convention allows it. */
    record: z.object({ reason: z.string().max(5000) }).strict().optional(),
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
  endReason: z.enum(END_REASONS).nullable(),
  endedAt: z.number().nullable(),
  /** The transmission this one renews (« Renouveler »). */
  renews: z.string().nullable().optional(),
});

const ok = z.object({ ok: z.literal(true) });

export const MirrorStatusView = z.discriminatedUnion('state', [
  z.object({ state: z.literal('not_configured') }),
  z.object({ state: z.literal('starting') }),
  z.object({ state: z.literal('synchronised'), ackedSeq: z.number() }),
  z.object({ state: z.literal('pending'), pending: z.number(), ackedSeq: z.number() }),
  z.object({ state: z.literal('offline'), since: z.number(), pending: z.number(), ackedSeq: z.number() }),
  z.object({ state: z.literal('conflict'), expectedSeq: z.number().optional(), seq: z.number().optional(), kind: z.enum(MIRROR_CONFLICT_KINDS).optional(), message: z.string(), ackedSeq: z.number() }),
  z.object({ state: z.literal('refused'), status: z.number(), reason: z.enum(MIRROR_REFUSAL_REASONS).optional(), ackedSeq: z.number() }),
  z.object({ state: z.literal('too_large'), seq: z.number(), bytes: z.number(), ackedSeq: z.number() }),
]);
export type MirrorStatusView = z.infer<typeof MirrorStatusView>;

/** What the registry screen shows supervisors beside the transmissions: refusals, logins, lockouts, hand-overs, catalogue changes. */
export const REGISTRY_EVENT_KINDS = ['request.refused', 'session.opened', 'session.closed', 'session.login_failed', 'grant.taken_over', 'transmission.ended', 'catalogue.changed', 'attempts.summarised'] as const;
export const RegistryEventView = z.object({
  seq: z.number(),
  ts: z.number(),
  kind: z.enum(REGISTRY_EVENT_KINDS),
  actor: z.string(),
  /** The actor's name as the catalogue knows it today (absent for « système » or a matricule no longer known). */
  actorName: z.string().optional(),
  payload: z.record(z.string(), z.unknown()),
});
export type RegistryEventView = z.infer<typeof RegistryEventView>;

/** The journal's verification, for the red banner superviseurs and administrateurs see when it fails. */
export const IntegrityStatusView = z.object({
  state: z.enum(['ok', 'altered']),
  verifiedSeq: z.number(),
  headHash: z.string(),
  firstBrokenSeq: z.number().optional(),
  reason: z.string().optional(),
  checkedAt: z.number(),
});
export type IntegrityStatusView = z.infer<typeof IntegrityStatusView>;

/** A camera stream's state, for its tile: connexion…, en direct, reconnexion…, error codes. */
export const StreamStatusView = z.object({
  grantId: z.string(),
  cameraId: z.string(),
  state: z.enum(STREAM_STATES),
  code: z.enum(STREAM_ERROR_CODES).optional(),
  /** While main waits to retry: the tile counts down « nouvel essai dans 2 s ». */
  retryInMs: z.number().optional(),
  /** Grows with each change of this camera's state: a reply and an event that cross are put back in order. */
  seq: z.number().int().nonnegative(),
});
export type StreamStatusView = z.infer<typeof StreamStatusView>;
const isoDay = z.string().max(10);
/** The report's period in Paris calendar days (main checks the dates and turns them into instants). */
export const ReportPeriodArgs = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), day: isoDay }).strict(),
  z.object({ kind: z.literal('week'), day: isoDay }).strict(),
  z.object({ kind: z.literal('month'), month: z.string().max(7) }).strict(),
  z.object({ kind: z.literal('custom'), from: isoDay, to: isoDay }).strict(),
]);
const reportFilters = {
  period: ReportPeriodArgs,
  siteId: z.string().min(1).max(100).optional(),
  bailleurId: z.string().min(1).max(100).optional(),
  serviceId: z.string().min(1).max(100).optional(),
  motive: z.enum(MOTIVES).optional(),
  operator: z.string().min(1).max(32).optional(),
  /** « Ce poste » (default) or « Tous les postes du CSU »: the central registry, read with the reader token. */
  source: z.enum(REPORT_SOURCES).optional(),
  /** « Poste »: one console of the central registry. */
  consoleId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/).optional(),
};
export const ReportFiltersArgs = z.object(reportFilters).strict();
export type ReportFiltersArgs = z.infer<typeof ReportFiltersArgs>;
const REPORT_FILTER_ERRORS = ['PERIOD_EMPTY', 'PERIOD_INVALID', 'REPORT_PERIOD_TOO_LONG', 'SITE_UNKNOWN', 'BAILLEUR_UNKNOWN', 'SERVICE_UNKNOWN', 'CENTRAL_NOT_CONFIGURED', 'CENTRAL_UNREACHABLE', 'CENTRAL_TLS', 'CENTRAL_READER_REFUSED', 'CENTRAL_ANSWER_INVALID'] as const;
/** Which registry a report read, and when (« Source : registre central (https://…), lu le …, 3 postes »). */
const ReportSourceView = z.object({ kind: z.enum(REPORT_SOURCES), serverOrigin: z.string().nullable(), readAt: z.number(), consoles: z.array(z.string()), line: z.string() });
const ReportVerificationView = z.object({ ok: z.boolean(), verifiedSeq: z.number(), fingerprint: z.string(), firstBrokenSeq: z.number().optional() });
export const ReportPreviewView = z.object({
  period: z.object({ first: z.string(), last: z.string(), from: z.number(), to: z.number() }),
  transmissions: z.number(),
  refused: z.number(),
  byMotive: z.array(z.object({ key: z.string(), count: z.number() })),
  bySite: z.array(z.object({ key: z.string(), label: z.string(), count: z.number() })),
  operators: z.array(z.object({ matricule: z.string(), name: z.string() })),
  verification: ReportVerificationView.extend({ checkedAt: z.number() }),
  source: ReportSourceView,
  byConsole: z.array(z.object({ key: z.string(), count: z.number() })),
});
export type ReportPreviewView = z.infer<typeof ReportPreviewView>;
export const ReportResultView = z.object({
  format: z.enum(REPORT_FORMATS),
  fileName: z.string(),
  rows: z.number(),
  pages: z.number().optional(),
  refused: z.number(),
  sha256: z.string(),
  bytes: z.number(),
  verification: ReportVerificationView.extend({ line: z.string() }),
  mirror: z.string(),
  source: z.string(),
  /** Headless shell: the one-time link on the loopback server. */
  url: z.string().optional(),
  /** Electron: where the save dialog wrote it (null: cancelled). */
  savedTo: z.string().nullable().optional(),
});
export type ReportResultView = z.infer<typeof ReportResultView>;

const period = { from: z.number().int().nonnegative().optional(), to: z.number().int().nonnegative().optional() };
const matricule = z.string().min(1).max(32);

export const contract = {
  app: {
    info: method({ access: 'public', args: none, result: AppInfo, errors: [] }),
    /** The console's wall clock (main's, which the renderer must follow for countdowns). */
    clock: method({ access: 'public', args: none, result: z.object({ now: z.number() }), errors: [] }),
  },
  session: {
    login: method({ access: 'public', args: z.object({ matricule, password: z.string().min(1).max(200) }).strict(), result: OperatorView, errors: ['LOGIN_FAILED', 'ACCOUNT_LOCKED'] }),
    logout: method({ access: 'public', args: none, result: ok, errors: [] }),
    current: method({ access: 'public', args: none, result: OperatorView.nullable(), errors: [] }),
    /** The operator's own password; the only thing an operator with a temporary password may do. */
    changePassword: method({
      access: ['operator', 'admin'],
      beforePasswordChange: true,
      args: z.object({ current: z.string().min(1).max(200), next: z.string().min(1).max(200) }).strict(),
      result: OperatorView,
      errors: ['PASSWORD_WRONG', 'PASSWORD_POLICY'],
    }),
    /** First start in production: the first administrateur, then logged in. Refused once any operator exists. */
    createFirstAdmin: method({
      access: 'public',
      args: z.object({ matricule: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/), name: z.string().trim().min(1).max(200), password: z.string().min(1).max(200) }).strict(),
      result: OperatorView,
      errors: ['SETUP_DONE', 'PASSWORD_POLICY'],
    }),
  },
  catalogue: {
    get: method({ access: ['operator', 'admin'], args: none, result: CatalogueView, errors: [] }),
    /** Conventions lapsing within 30 days or lapsed without a successor (banner). */
    alerts: method({ access: ['supervisor', 'admin'], args: none, result: z.array(ConventionAlertView), errors: [] }),
  },
  admin: {
    catalogue: method({ access: 'admin', args: none, result: AdminCatalogueView, errors: [] }),
    /** A catalogue file (issue G2): every problem with its JSON path, or the changes (applied unless dryRun). */
    importCatalogue: method({ access: 'admin', args: z.object({ text: z.string().max(2 * 1024 * 1024), dryRun: z.boolean() }).strict(), result: ImportResultView, errors: ['CATALOGUE_CENTRAL'] }),
    exportCatalogue: method({ access: 'admin', args: none, result: z.object({ text: z.string() }), errors: [] }),
    saveBailleur: method({ access: 'admin', args: SaveBailleurArgs, result: z.object({ version: z.number() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'CATALOGUE_CENTRAL'] }),
    saveService: method({ access: 'admin', args: SaveServiceArgs, result: z.object({ version: z.number() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'CATALOGUE_CENTRAL'] }),
    saveSite: method({ access: 'admin', args: SaveSiteArgs, result: z.object({ version: z.number() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'CATALOGUE_CENTRAL'] }),
    saveCamera: method({ access: 'admin', args: SaveCameraArgs, result: z.object({ version: z.number() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'CATALOGUE_CENTRAL'] }),
    saveConvention: method({ access: 'admin', args: SaveConventionArgs, result: z.object({ version: z.number() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'CATALOGUE_CENTRAL'] }),
    /** Creating an operator returns a temporary password, shown once, to change at first login. */
    saveOperator: method({ access: 'admin', args: SaveOperatorArgs, result: z.object({ version: z.number(), temporaryPassword: z.string().nullable() }), errors: ['CATALOGUE_INVALID', 'NOT_FOUND', 'MATRICULE_TAKEN', 'SELF_LOCKOUT', 'CATALOGUE_CENTRAL'] }),
    resetPassword: method({ access: 'admin', args: z.object({ matricule: z.string().max(32) }).strict(), result: z.object({ temporaryPassword: z.string() }), errors: ['NOT_FOUND'] }),
    /** Reaches the camera and reports technical facts only: never a picture. */
    testCamera: method({ access: 'admin', args: z.object({ cameraId: z.string().max(100) }).strict(), result: CameraTestView, errors: ['NOT_FOUND'] }),
    /** Secrets (token, enrolment code, reader token) only travel in; caFile null forgets the CA file. */
    setMirror: method({
      access: 'admin',
      args: z.object({ serverUrl: z.string().min(1).max(500), token: z.string().min(16).max(500).optional(), enrolmentCode: z.string().min(8).max(64).optional(), readerToken: z.string().min(16).max(500).optional(), caFile: z.string().min(1).max(1000).nullable().optional() }).strict(),
      result: ok,
      errors: ['CATALOGUE_INVALID'],
    }),
    testMirror: method({ access: 'admin', args: none, result: MirrorTestView, errors: [] }),
    /** The central catalogue this console follows (version, source, last check). */
    centralCatalogue: method({ access: 'admin', args: none, result: CentralCatalogueView, errors: [] }),
    /** Asks the central server now instead of waiting for the minute. */
    checkCentralCatalogue: method({ access: 'admin', args: none, result: CentralCatalogueView, errors: ['CATALOGUE_CENTRAL_NOT_CONFIGURED'] }),
    /** « Publier sur le serveur central »: this console's catalogue becomes the next central version. */
    publishCatalogue: method({ access: 'admin', args: none, result: z.object({ version: z.number(), unchanged: z.boolean() }), errors: ['CATALOGUE_CENTRAL_NOT_CONFIGURED', 'CENTRAL_REFUSED', 'CATALOGUE_CENTRAL_UNREACHABLE'] }),
  },
  grants: {
    request: method({
      access: 'operator',
      args: RequestArgs,
      result: z.union([z.object({ accepted: z.literal(true), grant: GrantView }), z.object({ accepted: z.literal(false), reasons: z.array(z.enum(REFUSAL_CODES)) })]),
      errors: ['GRANT_NOT_ACTIVE'],
    }),
    /** Opening another operator's grant is a hand-over (shift change): designated operators only, journaled. */
    openStreams: method({
      access: 'operator',
      args: z.object({ grantId }).strict(),
      /** `url` is what the grid plays (the sub stream where the camera has one); `mainUrl`, the full picture for an enlarged tile. */
      result: z.object({ streams: z.array(z.object({ cameraId: z.string(), url: z.string(), mainUrl: z.string().optional() })) }),
      errors: ['GRANT_NOT_ACTIVE', 'TAKEOVER_NOT_DESIGNATED'],
    }),
    /** An operator stops the grants they hold; a superviseur stops any. */
    stop: method({ access: 'operator', args: z.object({ grantId }).strict(), result: ok, errors: ['GRANT_NOT_ACTIVE', 'NOT_GRANT_HOLDER'] }),
    list: method({ access: 'operator', args: none, result: z.array(GrantView), errors: [] }),
    /** The current state of one camera of an open grant: a tile asks once, then follows `stream.status`. */
    streamState: method({ access: 'operator', args: z.object({ grantId, cameraId: id }).strict(), result: StreamStatusView, errors: ['GRANT_NOT_ACTIVE'] }),
  },
  /** The wall is main's state: a reload or a new window shows the same tiles (each reopened with openStreams). */
  wall: {
    get: method({ access: 'operator', args: none, result: z.array(z.object({ grant: GrantView, ended: z.enum(END_REASONS).optional() })), errors: [] }),
    /** Closes an ended grant's strip; a running grant leaves the wall only when it ends. */
    dismiss: method({ access: 'operator', args: z.object({ grantId }).strict(), result: z.object({ dismissed: z.boolean() }), errors: [] }),
  },
  mirror: {
    status: method({ access: ['operator', 'admin'], args: none, result: z.lazy(() => MirrorStatusView), errors: [] }),
  },
  registry: {
    /** Operators see their own transmissions; superviseurs and administrateurs see every one. */
    list: method({
      access: ['operator', 'admin'],
      args: z.object({ ...period, siteId: id.optional(), serviceId: id.optional(), motive: z.enum(MOTIVES).optional(), operator: matricule.optional() }).strict(),
      result: z.array(RegistryRowView),
      errors: ['PERIOD_INVALID'],
    }),
    /** Refused requests, logins and lockouts, hand-overs, catalogue changes: newest first, at most 1000. */
    events: method({
      access: ['supervisor', 'admin'],
      args: z.object({ ...period, kinds: z.array(z.enum(REGISTRY_EVENT_KINDS)).max(REGISTRY_EVENT_KINDS.length).optional() }).strict(),
      result: z.array(RegistryEventView),
      errors: ['PERIOD_INVALID'],
    }),
  },
  review: {
    /** « Revue d'incident »: lanes per camera, bars per transmission, markers per journaled event; journaled as review.viewed. */
    timeline: method({ access: ['supervisor', 'admin'], args: TimelineArgs, result: TimelineView, errors: ['PERIOD_INVALID', 'PERIOD_TOO_LONG'] }),
    /** The journal entry behind a marker, with its hashes. */
    entry: method({ access: ['supervisor', 'admin'], args: z.object({ seq: z.number().int().positive() }).strict(), result: JournalEntryView, errors: ['NOT_FOUND'] }),
    /** An evidence bundle (zip) any one can check offline with csu-verify; journaled as evidence.exported. */
    exportEvidence: method({ access: 'supervisor', args: EvidenceArgs, result: EvidenceView, errors: ['PERIOD_INVALID', 'PERIOD_TOO_LONG'] }),
    /** What was recorded of a transmission's camera, span by span: present, missing, altered or destroyed at the end of its retention. */
    recording: method({ access: ['supervisor', 'admin'], args: RecordingArgs, result: RecordingView, errors: ['NOT_FOUND'] }),
    /** Plays up to ten minutes of a recording (one-time loopback socket); journaled as recording.viewed. Images: superviseurs only. */
    play: method({ access: 'supervisor', args: PlayArgs, result: PlayView, errors: ['NOT_FOUND', 'RECORDING_UNAVAILABLE'] }),
  },
  reports: {
    /** The counts a report with these filters would hold, and the journal's last verification. */
    preview: method({ access: ['supervisor', 'admin'], args: ReportFiltersArgs, result: ReportPreviewView, errors: REPORT_FILTER_ERRORS }),
    /** Verifies the journal, builds the PDF or CSV in main, journals it, and hands it to the shell (save or print). */
    generate: method({
      access: ['supervisor', 'admin'],
      args: z.object({ ...reportFilters, format: z.enum(REPORT_FORMATS), delivery: z.enum(REPORT_DELIVERIES) }).strict(),
      result: ReportResultView,
      errors: REPORT_FILTER_ERRORS,
    }),
    /** Whether « Tous les postes du CSU » can be offered: a central server and a reader token on this console. */
    sources: method({ access: ['supervisor', 'admin'], args: none, result: z.object({ central: z.boolean(), serverOrigin: z.string().nullable() }), errors: [] }),
  },
  integrity: {
    /** Up to which entry the journal verifies, or where it was found altered (« Registre altéré à l'entrée n° N »). */
    status: method({ access: ['supervisor', 'admin'], args: none, result: IntegrityStatusView, errors: [] }),
  },
} as const satisfies Record<string, Record<string, MethodSpec>>;

/** Events main pushes to the renderer, with their payload schemas. */
export const events = {
  'app.notice': z.object({ level: z.enum(['info', 'warning', 'error']), code: z.string() }),
  'grant.started': z.object({ grantId: z.string() }),
  'mirror.status': z.lazy(() => MirrorStatusView),
  'grant.warning': z.object({ grantId: z.string(), minutesLeft: z.number(), endsAt: z.number() }),
  'grant.ended': z.object({ grantId: z.string(), reason: z.enum(END_REASONS) }),
  'stream.status': StreamStatusView,
  /** One grant's recording stopped before its end; the grant and its tiles go on. */
  'recording.stopped': z.object({ grantId: z.string(), reason: z.enum(RECORDING_STOP_REASONS) }),
} as const;

export type Contract = typeof contract;
export type Namespace = keyof Contract;
export type MethodOf<N extends Namespace> = keyof Contract[N] & string;
export type Channel = { [N in Namespace]: `${N & string}.${MethodOf<N>}` }[Namespace];
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

type SpecAt<N extends Namespace, M extends MethodOf<N>> = Contract[N][M] extends MethodSpec ? Contract[N][M] : never;

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

/**
 * Main's side: one handler per method, receiving parsed arguments. A public method's context may
 * have no operator; every other method's handler is only ever called with the caller's operator,
 * whom the dispatcher has already checked against the method's access.
 */
export type Handlers<Ctx extends { operator?: OperatorView | undefined }> = {
  [N in Namespace]: {
    [M in MethodOf<N>]: (
      args: z.output<SpecAt<N, M>['args']>,
      ctx: SpecAt<N, M>['access'] extends 'public' ? Ctx : Ctx & { operator: OperatorView },
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

export function specOf(channel: string): MethodSpec | undefined {
  const [ns, m, ...rest] = channel.split('.');
  if (!ns || !m || rest.length > 0) return undefined;
  if (!Object.prototype.hasOwnProperty.call(contract, ns)) return undefined;
  const group = contract[ns as Namespace] as Record<string, MethodSpec>;
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
