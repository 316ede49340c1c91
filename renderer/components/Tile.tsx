import mpegts from 'mpegts.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GrantView } from '../../preload/contract';
import { formatDuration, minutesLeft, RENEW_FROM_MIN } from '../format';
import { useCsuEvent } from '../hooks';
import { LivePlayer } from './live-player';
import { RecordingBadge } from './RecordingBadge';
import { closeAction, endedState, FROZEN_AFTER_MS, NO_FIRST_FRAME_MS, retryIn, tileState, type EndReason, type StreamStatus, type TileState } from './tile-state';

export type { TileState } from './tile-state';

export interface TileProps {
  grant: GrantView;
  camera: GrantView['cameras'][number];
  /** What the grid plays: the sub stream where the camera has one. */
  url: string;
  /** The main stream, played while the tile is enlarged. */
  mainUrl?: string | undefined;
  matricule: string;
  now: number;
  ended?: EndReason;
  enlarged: boolean;
  index: number;
  /** The wall is on screen: a hidden video paints no frame, so the watchdog rests meanwhile. */
  visible?: boolean;
  onToggle: () => void;
  /** « Renouveler », offered in the last 10 minutes to the grant's holder. */
  onRenew?: (() => void) | undefined;
  /** Main revoked this page's tokens (close 4008) while the grant runs: new ones are asked for; the picture stays meanwhile. */
  onReopen?: (() => void) | undefined;
}

/** One camera of one grant: says « En direct » only while its decoded frames advance, and recovers by itself. */
export function Tile({ grant, camera, url: gridUrl, mainUrl, matricule, now, ended, enlarged, index, visible = true, onToggle, onRenew, onReopen }: TileProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const player = useRef<LivePlayer | undefined>(undefined);
  const [stream, setStream] = useState<{ status: StreamStatus; at: number } | undefined>();
  const [closedFinal, setClosedFinal] = useState<TileState | undefined>();
  const [stalled, setStalledState] = useState(false);
  // When the picture was last known to stop: only a frame after it proves the tile live again.
  const stalledAt = useRef(0);
  const setStalled = (v: boolean) => {
    if (v && !stalledAt.current) stalledAt.current = performance.now();
    if (!v) stalledAt.current = 0;
    setStalledState(v);
  };
  const [advancing, setAdvancing] = useState(false);
  const [, setTick] = useState(0);
  const final = ended ? endedState(ended) : closedFinal;
  // Enlarged, the main stream; in the grid, the sub stream. The switch keeps the old picture until the new one's first frame.
  const url = enlarged && mainUrl ? mainUrl : gridUrl;
  const urlRef = useRef(url);
  urlRef.current = url;
  const streamRef = useRef(stream);
  streamRef.current = stream;
  const watch = useRef({ startedAt: 0, attempts: 0, graceUntil: 0, retry: undefined as ReturnType<typeof setTimeout> | undefined });
  const reopenRef = useRef(onReopen);
  reopenRef.current = onReopen;
  // Main stopped the grant's recording (disk, quota): said from the event, or from the grant after a reload.
  // Kept with its grant: a renewal keeps the tile, and its own recording starts afresh.
  const [recordingStoppedNow, setRecordingStopped] = useState<{ grantId: string; reason: NonNullable<GrantView['recordingStopped']> }>();
  useCsuEvent('recording.stopped', (e) => {
    if (e.grantId === grant.id) setRecordingStopped(e);
  });
  const recordingStopped = (recordingStoppedNow?.grantId === grant.id ? recordingStoppedNow.reason : undefined) ?? grant.recordingStopped;

  // Main's state of the camera, asked once (events sent before the tile existed are gone) then
  // followed; seq puts a reply and an event that crossed back in order.
  const applyStatus = (s: StreamStatus) => setStream((prev) => (prev && prev.status.seq > s.seq ? prev : { status: s, at: Date.now() }));
  useCsuEvent('stream.status', (s) => {
    if (s.grantId === grant.id && s.cameraId === camera.id) applyStatus(s);
  });
  useEffect(() => {
    if (final) return;
    window.csu.grants.streamState({ grantId: grant.id, cameraId: camera.id }).then(applyStatus, () => undefined);
  }, [grant.id, camera.id, url, final]);

  // One LivePlayer for the tile's life; ended for good when main ends the grant (nothing reconnects).
  useEffect(() => {
    if (final || !box.current || !mpegts.isSupported()) return;
    const w = watch.current;
    const restart = () => {
      clearTimeout(w.retry);
      w.startedAt = performance.now();
      p.play(urlRef.current);
    };
    const p = new LivePlayer(box.current, camera.label, {
      onClose: (code) => {
        const action = closeAction(code, w.attempts);
        if (action.kind === 'final') return setClosedFinal(action.state);
        w.attempts++;
        if (p.hasPicture) setStalled(true);
        clearTimeout(w.retry);
        // New tokens come as a new URL (the effect below plays it); without a wall to ask, try again.
        if (action.kind === 'reopen' && reopenRef.current) return reopenRef.current();
        w.retry = setTimeout(restart, action.kind === 'reconnect' ? action.delayMs : 250);
      },
    });
    player.current = p;
    restart();
    return () => {
      clearTimeout(w.retry);
      p.destroy();
      player.current = undefined;
    };
  }, [final, camera.label]);

  // A new URL (new token after a reload, a renewal, the main stream): the picture stays until the new one's first frame.
  useEffect(() => {
    const p = player.current;
    if (p && p.url !== url) {
      watch.current.startedAt = performance.now();
      p.play(url);
    }
  }, [url]);

  useEffect(() => {
    if (visible) watch.current.graceUntil = performance.now() + FROZEN_AFTER_MS;
  }, [visible]);

  // The watchdog: frames, not events, decide « En direct ».
  useEffect(() => {
    if (final) return;
    const timer = setInterval(() => {
      const p = player.current;
      if (!p) return;
      const w = watch.current;
      const at = performance.now();
      const moving = p.lastFrameAt > stalledAt.current && at - p.lastFrameAt < FROZEN_AFTER_MS;
      setAdvancing(moving);
      setTick((n) => n + 1);
      if (moving) {
        w.attempts = 0;
        setStalled(false);
        return;
      }
      if (!visible || at < w.graceUntil) return;
      if (p.hasPicture && !stalledAt.current && at - w.startedAt > FROZEN_AFTER_MS) {
        // The picture stopped: say so, and start a fresh player (new socket) beside it.
        // Further attempts follow main: it says when its camera is fed again.
        setStalled(true);
        w.startedAt = at;
        p.play(urlRef.current);
      } else if (streamRef.current?.status.state === 'live' && at - w.startedAt > NO_FIRST_FRAME_MS) {
        w.startedAt = at;
        p.play(urlRef.current);
      }
    }, 250);
    return () => clearInterval(timer);
  }, [final, visible]);

  const shown = tileState({ final, stream: stream?.status, advancing, stalled });
  const retry = shown === 'live' || final ? undefined : retryIn(stream?.status, stream?.at ?? 0, Date.now());
  const leftMin = minutesLeft(grant.endsAt, now);
  const clock = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(now);
  return (
    <figure aria-label={camera.label} className={`tile state-${shown}${enlarged ? ' enlarged' : ''}`} data-testid="tile" data-state={shown} data-camera={camera.id} data-grant={grant.id} onDoubleClick={onToggle}>
      {!final && <div ref={box} className="tile-video" />}
      <div className="tile-top">
        <div className="tile-caption">
          <span>
            <span className="tile-index">{index + 1}</span>
            <strong>{camera.label}</strong> · {grant.siteName} · {t(`zones.${camera.zone}`)}
          </span>
          <small>
            <span className="service">{grant.serviceName}</span>
            {final ? '' : <span className="left">&nbsp;· {t('tile.left', { left: formatDuration(leftMin) })}</span>}
          </small>
        </div>
        {grant.recorded && !final && <RecordingBadge stopped={recordingStopped} />}
        <span className="tile-state" role="status">
          {t(`tile.states.${shown}`)}
          {retry !== undefined ? ` ${t('tile.retry', { count: retry })}` : ''}
        </span>
      </div>
      {!final && onRenew && leftMin <= RENEW_FROM_MIN && (
        <button type="button" className="tile-renew" onClick={onRenew} onDoubleClick={(e) => e.stopPropagation()}>
          {t('renewal.action')}
        </button>
      )}
      {!final && (
        <span className="watermark" aria-hidden="true">
          {matricule} · {clock}
        </span>
      )}
    </figure>
  );
}
