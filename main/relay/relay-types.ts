/**
 * The relay's vocabulary (hub.ts): close codes, a camera as the relay sees it, a token's entry,
 * a pipe's entry, a recording's sink, the status a tile reads. Kept apart from the hub's logic.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../log';
import type { CameraPipe, PipeStatus } from './camera-pipe';
import type { Piece } from './gop-cache';

/** Close codes a tile turns into French: each end of a transmission has its own. */
export const CLOSE_CODES = {
  expired: 4001,
  stopped_by_operator: 4002,
  fault: 4003,
  application_stopped: 4004,
  slow_client: 4005,
  /** The camera's ffmpeg was restarted: a new stream (timestamps start again), the tile starts a fresh player. */
  source_restarted: 4006,
  /** A newer socket took this token (one socket per token): this one is closed. */
  replaced: 4007,
  /** The page this token was handed to has ended for main (page-scope.ts): a page still showing it asks for new tokens. */
  page_ended: 4008,
} as const;
export type CloseReason = keyof typeof CLOSE_CODES;

export interface RelayCamera {
  id: string;
  label: string;
  sourceUrl: string;
  /** A camera's sub stream (smaller, for the grid) has its own ffmpeg beside the main one. */
  variant?: 'main' | 'sub';
  /**
   * Started only while a client watches it (the main stream of a camera that has a sub stream:
   * only an enlarged tile plays it), stopped shortly after the last one leaves.
   */
  lazy?: boolean;
}

/** How long a lazy pipe outlives its last client: a tile going back and forth does not restart ffmpeg. */
export const LAZY_IDLE_MS = 5000;

export interface RelayOptions {
  ffmpegPath: string;
  log: Logger;
  /** Origins allowed to open a stream socket (the console page's). */
  allowedOrigins: () => string[];
  /** Folder for the pid file; none in some tests. */
  stateDir?: string;
  fontFile: string;
  sim?: { width: number; height: number; fps: number };
  /** A client whose socket holds more than this skips to the next keyframe. */
  highWaterBytes?: number;
  /** A client that stays backed up this long is closed. */
  slowClientCloseMs?: number;
  pipe?: { stallTimeoutMs?: number; socketTimeoutMs?: number; backoffInitialMs?: number; backoffMaxMs?: number; readPaceMs?: number };
}

/** A pipe's state as a tile sees it: the retry instant becomes a delay (the two processes' clocks differ). */
export interface StreamStatus extends Omit<PipeStatus, 'retryAt'> {
  grantId: string;
  cameraId: string;
  retryInMs?: number;
  seq: number;
}

export function forTile(grantId: string, cameraId: string, pipe: CameraPipe): StreamStatus {
  const { retryAt, ...rest } = pipe.current;
  return { grantId, cameraId, ...rest, ...(retryAt !== undefined ? { retryInMs: Math.max(0, retryAt - Date.now()) } : {}), seq: pipe.seq };
}

export interface Client {
  ws: WebSocket;
  waiting: boolean;
  backedUpSince: number;
  bytesSent: number;
}

export interface TokenEntry {
  token: string;
  grantId: string;
  cameraId: string;
  pipeKey: string;
  clients: Set<Client>;
  /** A recording of this grant's camera (main/recording/): fed like a client, never reachable by a socket. */
  sink?: RecordSink;
  /** The page it was handed to has ended (page-scope.ts): it opens nothing any more. */
  revoked?: boolean;
  /** The page it was handed to, and the URL it was handed as (a renewal carries both over: RelayHub.carryOver). */
  page?: PageEnd;
  url?: string;
}

/**
 * What the recorder plugs into a camera's pipe: the TS the relay already remuxed, cut at keyframes,
 * with the tables a segment starts with. A pipe with a sink runs whether or not a tile watches.
 */
export interface RecordSink {
  write(pieces: Piece[], tables: Buffer[]): void;
  /** A new ffmpeg run: a new stream, so the segment in progress ends here. */
  restart(): void;
  /** The grant ended or the recording stopped: the segment in progress is sealed and journaled. */
  close(): Promise<void>;
}

export interface PipeEntry {
  /** Absent while a lazy pipe has no client. */
  pipe: CameraPipe | undefined;
  camera: RelayCamera;
  tokens: Set<string>;
  idleTimer?: NodeJS.Timeout;
}

/** What the relay needs of the page a token is handed to (main/transport/page-scope.ts): to hear when it ends. */
export interface PageEnd {
  onEnd(fn: () => void): void;
}

export function pipeKeyOf(camera: RelayCamera): string {
  return camera.variant === 'sub' ? `${camera.id}#sub` : camera.id;
}

export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Chromium opens one WebSocket at a time per host and port (RFC 6455 §4.1: one CONNECTING per
 * endpoint): after F5, 16 tiles' handshakes queued one behind the other, each a round trip
 * through two busy processes (bench wall: the last one opened 1.9 s after it was asked for).
 * Tokens are spread over a few listening ports: as many queues, side by side.
 */
export const RELAY_PORTS = 4;
