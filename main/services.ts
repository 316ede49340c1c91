import path from 'node:path';
import type { Knex } from 'knex';
import { openDatabase } from '../db';
import { catalogueVersion, countOperators, getOperator, hasCatalogue, listCameras } from '../db/catalogue';
import { AdminService } from './admin/service';
import { ReviewService } from './review/service';
import { cameraSecretName } from './admin/camera-secrets';
import { testStream } from './admin/camera-test';
import { testMirror } from './admin/mirror-test';
import { MIRROR_SECRETS } from './admin/service';
import { centralConfigOf } from './reports/central';
import { publicKeyOf } from '../db/journal-signature';
import { withCredentials } from './relay/credentials';
import { AppError } from './errors';
import { AliveMark } from './alive-mark';
import { AttemptGate } from './attempt-gate';
import { GrantService } from './grants/service';
import { Recorder } from './recording/recorder';
import { purgeRecordings, PURGE_EVERY_MS } from './recording/purge';
import type { ChildSpawner } from './child';
import { IntegrityService } from './integrity';
import { OneTimeDownloads } from './reports/downloads';
import { ReportService, type ReportDelivery } from './reports/service';
import { buildHandlers } from './handlers';
import { setupMirror, type MirrorSetup } from './mirror/setup';
import { startCatalogueFollower } from './mirror/catalogue-follower-setup';
import type { MirrorStatus } from './mirror/mirror';
import { fileSecretStore, type SecretStore } from './secrets';
import { SessionService } from './session';
import { renewLapsedDemoConventions, seedDemo } from '../db/seeds/demo';
import type { AppInfo, Handlers } from '../preload/contract';
import { resolveFfmpegPath } from './relay/ffmpeg-path';
import { RelayHub, type StreamStatus } from './relay/hub';
import type { Clock, OffsetClock } from './clock';
import { EventBus } from './events';
import { WallState } from './wall';
import type { Logger } from './log';
import type { SettingsStore } from './settings/store';
import type { CallContext } from './transport/dispatch';

declare const __APP_VERSION__: string;
declare const __BUILD_TIME__: string;

export interface ServicesConfig {
  shell: AppInfo['shell'];
  dataDir: string;
  /** The app's assets/ folder (fonts for the demo cameras' labels). */
  assetsDir: string;
  settings: SettingsStore;
  clock: Clock;
  log: Logger;
  /** Where secrets live: safeStorage in Electron; a user-only file by default. */
  secrets?: SecretStore;
  /** Starts child processes (the embedded demo central server); Node's fork by default. */
  spawnChild?: ChildSpawner;
  /** What the shell does with a finished report (Electron: dialogs); the headless one-time links by default. */
  reportDelivery?: (downloads: OneTimeDownloads) => ReportDelivery;
  /** A recording segment's length (about a minute; tests shorten it). */
  recordingSegmentMs?: number;
  /** Present only when the headless shell runs with --test-hooks; never in the Electron build. */
  testHooks?: { clock: OffsetClock };
}

export interface Services {
  db: Knex;
  relay: RelayHub;
  grants: GrantService;
  /** Recordings where a convention allows them (main/recording/). */
  recorder: Recorder;
  /** Runs the retention purge now (it also runs at start and every hour). */
  purgeRecordings(): Promise<void>;
  session: SessionService;
  /** The journal's verification state (main/integrity.ts). */
  integrity: IntegrityService;
  /** Refusals and failed logins beyond a few a minute, counted into summaries (main/attempt-gate.ts). */
  attempts: AttemptGate;
  /** Reports waiting for the headless browser to fetch them, once each. */
  downloads: OneTimeDownloads;
  mirror: MirrorSetup;
  /** The shells tell the relay which page origin may open stream sockets. */
  allowOrigin(origin: string): void;
  consoleId: string;
  handlers: Handlers<CallContext>;
  events: EventBus;
  close(): Promise<void>;
}

function buildInfo(): { version: string; buildTime: string } {
  // esbuild defines these; under Jest (no bundling) they are absent.
  const version = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : (process.env.npm_package_version ?? '0.0.0-dev');
  const buildTime = typeof __BUILD_TIME__ === 'string' ? __BUILD_TIME__ : new Date(0).toISOString();
  return { version, buildTime };
}

/** The whole service graph, shared by the Electron and headless shells. */
export async function createServices(config: ServicesConfig): Promise<Services> {
  const { version, buildTime } = buildInfo();
  const settings = config.settings.get();
  const db = await openDatabase(path.join(config.dataDir, 'console.sqlite'), { log: (m) => config.log.warn(m) });
  // The embedded demo site fills an empty catalogue; a production console is provisioned instead.
  if (settings.mode === 'demo') {
    if (!(await hasCatalogue(db))) await seedDemo(db, config.clock.now());
    const renewed = await renewLapsedDemoConventions(db, settings.consoleId, config.clock.now());
    if (renewed.length > 0) config.log.info('demo: renewed lapsed conventions %s', renewed.join(', '));
  }

  const events = new EventBus();
  const origins = new Set<string>();
  const relay = new RelayHub({
    ffmpegPath: resolveFfmpegPath(settings.ffmpegPath),
    log: config.log,
    allowedOrigins: () => [...origins],
    stateDir: config.dataDir,
    fontFile: path.join(config.assetsDir, 'fonts', 'DejaVuSans-Bold.ttf'),
    sim: settings.demoCamera,
  });
  relay.on('status', (s: StreamStatus) => events.emit('stream.status', s));
  await relay.start();
  // Before anything reads the journal or the registry: the chain whole, the view against it.
  const verifyDb = await openDatabase(path.join(config.dataDir, 'console.sqlite'), { migrate: false, log: (m) => config.log.warn(m) });
  const integrity = new IntegrityService({ db, readDb: verifyDb, consoleId: settings.consoleId, clock: config.clock, log: config.log });
  await integrity.verifyAll();
  integrity.start();
  // Summaries a crashed run left counted go to the journal before the session reads it.
  const attempts = new AttemptGate({ db, consoleId: settings.consoleId, clock: config.clock, log: config.log });
  await attempts.flush();
  attempts.start();
  const session = new SessionService(db, settings.consoleId, config.clock, attempts);
  await session.restore();
  const secrets = config.secrets ?? fileSecretStore(config.dataDir);
  const alive = new AliveMark(config.dataDir, config.clock, config.log);
  const recorder = new Recorder({ db, consoleId: settings.consoleId, clock: config.clock, log: config.log, relay, dataDir: config.dataDir, secrets, events, quotaBytes: () => config.settings.get().recording.quotaGb * 1e9, ...(config.recordingSegmentMs ? { segmentMs: config.recordingSegmentMs } : {}) });
  // A segment a crash left open is sealed and journaled before anything records again.
  await recorder.recoverLeftovers();
  const grants = new GrantService({ db, consoleId: settings.consoleId, relay, clock: config.clock, events, log: config.log, alive, attempts, recorder, cameraPassword: (id) => secrets.get(cameraSecretName(id)) });
  await grants.restore({ downSince: alive.previousOutageStart(), trustedSeq: integrity.trustedSeq() });
  const wall = new WallState(events);
  // Grants resumed after a restart were on this console's wall: they come back on it.
  for (const g of grants.list()) wall.show(g);
  grants.start();
  // Recordings past their retention are destroyed at start and every hour (CSI L252-5).
  const purge = async () => {
    const r = await purgeRecordings({ db, consoleId: settings.consoleId, store: recorder.store, now: config.clock.now(), isActive: (id) => !!grants.get(id) });
    if (r) recorder.forget(r.bytes);
  };
  await purge();
  const purgeTimer = setInterval(() => purge().catch((err: unknown) => config.log.error('recording purge failed: %s', err instanceof Error ? err.message : String(err))), PURGE_EVERY_MS);
  purgeTimer.unref();
  let mirrorStatus: MirrorStatus | { state: 'not_configured' } | { state: 'starting' } = { state: 'starting' };
  const mirror = await setupMirror({
    db,
    consoleId: settings.consoleId,
    dataDir: config.dataDir,
    mode: settings.mode,
    serverUrl: settings.mirror?.serverUrl,
    caFile: settings.mirror?.caFile,
    secrets: config.secrets ?? fileSecretStore(config.dataDir),
    clock: config.clock,
    log: config.log,
    spawnChild: config.spawnChild,
    onStatus: (s) => {
      mirrorStatus = s;
      events.emit('mirror.status', s);
    },
  });
  if (!mirror.mirror) mirrorStatus = { state: 'not_configured' };
  // Where a central server is configured, the catalogue comes from it (issue G2, several consoles).
  const central = await startCatalogueFollower({ db, consoleId: settings.consoleId, serverUrl: settings.mirror?.serverUrl, caFile: settings.mirror?.caFile, secrets, clock: config.clock, log: config.log, allowSim: settings.mode === 'demo', pollMs: settings.mirror?.cataloguePollMs });
  const downloads = new OneTimeDownloads(config.clock);
  const reportDelivery: ReportDelivery = config.reportDelivery?.(downloads) ?? { deliver: async (f, mode) => ({ url: downloads.add(f.path, f.fileName, f.mime, mode === 'print') }) };
  const reports = new ReportService({
    db,
    consoleId: settings.consoleId,
    clock: config.clock,
    log: config.log,
    integrity,
    mirrorStatus: () => mirrorStatus,
    organisation: () => config.settings.get().organisation,
    fontsDir: path.join(config.assetsDir, 'fonts'),
    workDir: path.join(config.dataDir, 'reports-tmp'),
    delivery: reportDelivery,
    // « Tous les postes du CSU »: the configured server and the reader token, read at each report.
    central: () => centralConfigOf(config.settings.get().mirror, secrets.get(MIRROR_SECRETS.readerToken), config.log),
  });
  const admin = new AdminService({
    db,
    consoleId: settings.consoleId,
    clock: config.clock,
    secrets,
    allowSim: settings.mode === 'demo',
    mirrorSettings: {
      get: () => ({ serverUrl: config.settings.get().mirror?.serverUrl ?? null, caFile: config.settings.get().mirror?.caFile ?? null }),
      // The other mirror settings (the catalogue's poll period…) stay; an empty CA file removes the setting.
      set: ({ serverUrl, caFile }) => {
        const { caFile: _previous, ...rest } = config.settings.get().mirror ?? {};
        void config.settings.update({ mirror: { ...rest, serverUrl, ...(caFile ? { caFile } : {}) } });
      },
    },
    central: () => ({ following: central !== undefined, canPublish: central?.canPublish ?? false }),
  });
  const ffmpegPath = resolveFfmpegPath(settings.ffmpegPath);
  const handlers = buildHandlers({
    reports,
    admin,
    review: new ReviewService({
      db,
      consoleId: settings.consoleId,
      clock: config.clock,
      dataDir: config.dataDir,
      signingKey: () => secrets.get('mirror-signing-key'),
      recordings: { root: recorder.store.root, key: () => recorder.recordingKey(), offer: (run) => relay.offerOnce(run), log: (m) => config.log.warn('%s', m), ffmpegPath: resolveFfmpegPath(settings.ffmpegPath) },
      // The bundle's PDF summary is the registry report (G1's model) of the days the period covers.
      pdfSummary: async (from, to, siteId, by) => {
        const op = await getOperator(db, by);
        return reports.pdfSummary(from, to, siteId, { matricule: by, name: op?.name ?? by, role: op?.role ?? 'superviseur', designated: op?.designated ?? false, mustChangePassword: false });
      },
    }),
    testCamera: async (cameraId) => {
      const cam = (await listCameras(db)).find((c) => c.id === cameraId);
      if (!cam) throw new AppError('NOT_FOUND', `no camera ${cameraId}`);
      // Both streams, with the same credentials: the grid plays the sub stream, an enlarged tile the main one. One
      // after the other: many cameras limit concurrent RTSP sessions (the simulator too), and a test must not fail
      // for having asked twice at once.
      const password = secrets.get(cameraSecretName(cam.id));
      const main = await testStream({ ffmpegPath, url: withCredentials(cam.sourceUrl, cam.username, password) });
      if (!cam.subStreamUrl) return main;
      return { ...main, sub: await testStream({ ffmpegPath, url: withCredentials(cam.subStreamUrl, cam.username, password) }) };
    },
    testMirror: () => {
      const key = secrets.get('mirror-signing-key');
      return testMirror({ serverUrl: config.settings.get().mirror?.serverUrl, caFile: config.settings.get().mirror?.caFile, token: secrets.get('mirror-token'), consoleId: settings.consoleId, publicKey: key ? publicKeyOf(key) : undefined, readerToken: secrets.get(MIRROR_SECRETS.readerToken) });
    },
    wall,
    mirrorStatus: () => mirrorStatus,
    central,
    db,
    consoleId: settings.consoleId,
    clock: config.clock,
    session,
    grants,
    // Asked for: the entries since the verified head are checked first (a few rows), so a screen never says
    // « aucune entrée » about a journal that has some, nor lags the 5-second check.
    integrity: () => integrity.verifyNew(),
    info: async () => {
      const s = config.settings.get();
      // A production console with nobody to log in shows one screen: create the first administrateur.
      const setup = s.mode === 'production' && (await countOperators(db)) === 0 ? ('first_admin' as const) : ('ready' as const);
      return { name: 'Console CSU', version, mode: s.mode, consoleId: s.consoleId, buildTime, shell: config.shell, setup, catalogueVersion: await catalogueVersion(db) };
    },
  });
  return {
    grants,
    recorder,
    purgeRecordings: purge,
    session,
    integrity,
    attempts,
    downloads,
    mirror,
    db,
    relay,
    allowOrigin: (origin) => origins.add(origin),
    consoleId: settings.consoleId,
    handlers,
    events,
    async close() {
      // Quit: each active grant is ended and journaled as such before anything closes.
      await integrity.stop();
      await downloads.close();
      clearInterval(purgeTimer);
      await grants.shutdown();
      recorder.close();
      await session.logout('application_stopped');
      await attempts.stop();
      await relay.close('application_stopped');
      // Last. What was journaled above stays in the local journal and goes out at the next start.
      await central?.stop();
      await mirror.close();
      await db.destroy();
    },
  };
}
