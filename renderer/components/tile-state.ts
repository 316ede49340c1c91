import type { EventPayload } from '../../preload/contract';

export type TileState = 'connecting' | 'live' | 'frozen' | 'reconnecting' | 'unreachable' | 'codec' | 'auth' | 'ended_expired' | 'ended_stopped' | 'ended_stopped_supervisor' | 'ended_other';
export type StreamStatus = EventPayload<'stream.status'>;
export type EndReason = EventPayload<'grant.ended'>['reason'];

/** No new decoded frame for this long and the picture is not live any more, whatever currentTime says. */
export const FROZEN_AFTER_MS = 2000;
/** A player that main says is fed but shows nothing for this long is replaced. */
export const NO_FIRST_FRAME_MS = 5000;
/** Longest wait before a tile reopens a dropped socket (main retries its camera as often). */
export const RECONNECT_MAX_MS = 2000;

/** The relay's close codes (main/relay/hub.ts CLOSE_CODES) and what each means for a tile. */
export type CloseAction = { kind: 'final'; state: TileState } | { kind: 'reconnect'; delayMs: number } | { kind: 'reopen' };

export function closeAction(code: number, attempt: number): CloseAction {
  switch (code) {
    case 4001:
      return { kind: 'final', state: 'ended_expired' };
    case 4002:
      return { kind: 'final', state: 'ended_stopped' };
    case 4003: // fault: main ended the grant on an incident
    case 4004: // the console is stopping
      return { kind: 'final', state: 'ended_other' };
    case 4006: // source restarted: a fresh player on the same token, at once
      return { kind: 'reconnect', delayMs: 0 };
    case 4005: // too slow to keep up: the relay skipped, then closed; start again on a keyframe
      return { kind: 'reconnect', delayMs: 250 };
    case 4008: // main counts this page as ended (its document navigated, its API socket closed): the tokens are dead, the grant is not
      return { kind: 'reopen' };
    default: // the connection dropped (1006) or anything unforeseen: retry, not too often
      return { kind: 'reconnect', delayMs: Math.min(RECONNECT_MAX_MS, 250 * 2 ** Math.min(attempt, 4)) };
  }
}

export function endedState(reason: EndReason): TileState {
  return reason === 'expired' ? 'ended_expired' : reason === 'stopped_by_operator' ? 'ended_stopped' : reason === 'stopped_by_supervisor' ? 'ended_stopped_supervisor' : 'ended_other';
}

export interface TileFacts {
  /** The grant's end (main's event) or a final close code, whichever came first. */
  final?: TileState;
  /** Main's last word on the camera's pipe. */
  stream?: StreamStatus;
  /** Decoded frames advanced within FROZEN_AFTER_MS. */
  advancing: boolean;
  /** A picture was live and stopped (frames stalled or the source restarted). */
  stalled: boolean;
}

/**
 * What the tile says. « En direct » only while frames advance; a picture that stopped is
 * « Image figée » until a new one moves; otherwise main's reason, never a final-looking one
 * while main is still retrying.
 */
export function tileState(f: TileFacts): TileState {
  if (f.final) return f.final;
  if (f.stream?.state === 'error' && f.stream.code === 'CODEC_UNSUPPORTED') return 'codec';
  if (f.advancing) return 'live';
  if (f.stalled) return 'frozen';
  const s = f.stream;
  if (s && (s.state === 'reconnecting' || s.state === 'error')) {
    if (s.code === 'AUTH_FAILED') return 'auth';
    if (s.code === 'UNREACHABLE') return 'unreachable';
    return 'reconnecting';
  }
  return 'connecting';
}

/** Seconds until main's next attempt, for « nouvel essai dans 2 s »; undefined when none is planned. */
export function retryIn(stream: StreamStatus | undefined, receivedAt: number, now: number): number | undefined {
  if (!stream || stream.retryInMs === undefined) return undefined;
  const left = stream.retryInMs - (now - receivedAt);
  return left > 0 ? Math.ceil(left / 1000) : undefined;
}
