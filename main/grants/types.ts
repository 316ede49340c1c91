/**
 * What the grant service works with (service.ts): a grant, a caller, the service's options, a
 * running grant's state, and the camera sources the relay pulls. Kept apart from its logic.
 */
import type { Knex } from 'knex';
import type { Motive, Zone } from '../../db/motives';
import type { AliveMark } from '../alive-mark';
import type { AttemptGate } from '../attempt-gate';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../log';
import { withCredentials } from '../relay/credentials';
import type { RelayHub } from '../relay/hub';
import type { Recorder, StopReason } from '../recording/recorder';

/** The longest delay setTimeout honours (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Grant {
  id: string;
  siteId: string;
  siteName: string;
  cameras: { id: string; label: string; zone: Zone }[];
  motive: Motive;
  serviceId: string;
  serviceName: string;
  /** Who requested it. */
  operator: string;
  /** Who holds it now: the requester, or whoever took it over at a shift change. */
  holder: string;
  startsAt: number;
  endsAt: number;
  /** The grant this one renews (the wall's tiles go on from one to the other). */
  renews?: string;
  /** Recorded (issue G3): the convention allows it and the request asked for it. */
  recorded?: boolean;
  /** Main stopped its recording before its end (disk, quota, failed write): the tiles say so, after a reload too. */
  recordingStopped?: StopReason;
}

/** Who is asking, as far as the grant rules care. */
export interface Caller {
  matricule: string;
  role: 'operateur' | 'superviseur' | 'administrateur';
  designated: boolean;
}

/**
 * What the relay pulls for each camera: its main and sub streams, with the camera's credentials
 * (user name from the catalogue, password from the secret store) put in only here, in memory,
 * for ffmpeg; redact.ts keeps them out of every log line.
 */
export function sourcesOf(cameras: { id: string; sourceUrl: string; subStreamUrl: string | null; username: string | null }[], password: (cameraId: string) => string | undefined): Map<string, { main: string; sub?: string }> {
  return new Map(
    cameras.map((c) => {
      const pw = c.username ? password(c.id) : undefined;
      const main = withCredentials(c.sourceUrl, c.username, pw);
      return [c.id, c.subStreamUrl ? { main, sub: withCredentials(c.subStreamUrl, c.username, pw) } : { main }];
    }),
  );
}

export interface GrantServiceOptions {
  db: Knex;
  consoleId: string;
  relay: RelayHub;
  clock: Clock;
  events: EventBus;
  log: Logger;
  /** A camera's password from the secret store (never in the database); none in most tests. */
  cameraPassword?: (cameraId: string) => string | undefined;
  /** Minutes before the end at which a warning is emitted (default 10, 5 and 1). */
  warningMinutes?: number[];
  sweepMs?: number;
  /** Refusals beyond a few a minute per operator are counted into summaries (main/attempt-gate.ts). */
  attempts?: AttemptGate;
  /** The « last alive » mark, kept while the grant service runs (main/alive-mark.ts). */
  alive?: AliveMark;
  /** Records the grants that ask for it where the convention allows it (main/recording/). */
  recorder?: Recorder;
}

export interface Active {
  grant: Grant;
  timer?: NodeJS.Timeout;
  warned: Set<number>;
  /** Each camera's main stream and, where it has one, its sub stream (what the grid plays). */
  sources: Map<string, { main: string; sub?: string | undefined }>;
}
