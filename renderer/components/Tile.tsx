import mpegts from 'mpegts.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload, GrantView } from '../../preload/contract';
import { formatDuration } from '../format';
import { useCsuEvent } from '../hooks';

export type TileState = 'connecting' | 'live' | 'reconnecting' | 'unreachable' | 'codec' | 'auth' | 'ended_expired' | 'ended_stopped' | 'ended_stopped_supervisor' | 'ended_other';

export interface TileProps {
  grant: GrantView;
  camera: GrantView['cameras'][number];
  url: string;
  matricule: string;
  now: number;
  ended?: EventPayload<'grant.ended'>['reason'];
  enlarged: boolean;
  index: number;
  onToggle: () => void;
}

function stateOf(s: EventPayload<'stream.status'>): TileState {
  if (s.state === 'live') return 'live';
  if (s.state === 'connecting') return 'connecting';
  if (s.code === 'CODEC_UNSUPPORTED') return 'codec';
  if (s.code === 'AUTH_FAILED') return 'auth';
  if (s.state === 'error' && s.code === 'UNREACHABLE') return 'unreachable';
  return 'reconnecting';
}

/** One camera of one grant: mpegts.js on the relay's WebSocket, muted (MSE autoplay needs it). */
export function Tile({ grant, camera, url, matricule, now, ended, enlarged, index, onToggle }: TileProps) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<TileState>('connecting');
  const finalState: TileState | undefined = ended ? (ended === 'expired' ? 'ended_expired' : ended === 'stopped_by_operator' ? 'ended_stopped' : ended === 'stopped_by_supervisor' ? 'ended_stopped_supervisor' : 'ended_other') : undefined;

  useCsuEvent('stream.status', (s) => {
    if (s.grantId === grant.id && s.cameraId === camera.id) setState(stateOf(s));
  });

  useEffect(() => {
    // When main ends the grant the player is destroyed and nothing reconnects.
    if (finalState || !video.current || !mpegts.isSupported()) return;
    const player = mpegts.createPlayer(
      { type: 'mpegts', isLive: true, url },
      { enableWorker: false, enableStashBuffer: false, liveBufferLatencyChasing: true, liveBufferLatencyMaxLatency: 1.5, liveBufferLatencyMinRemain: 0.3, lazyLoad: false, autoCleanupSourceBuffer: true },
    );
    player.attachMediaElement(video.current);
    player.on(mpegts.Events.ERROR, () => setState((s) => (s === 'live' ? 'reconnecting' : s)));
    const onPlaying = () => setState('live');
    video.current.addEventListener('playing', onPlaying);
    player.load();
    void Promise.resolve(player.play()).catch(() => undefined);
    const el = video.current;
    return () => {
      el.removeEventListener('playing', onPlaying);
      player.destroy();
    };
  }, [url, finalState]);

  const shown = finalState ?? state;
  const leftMin = Math.max(0, Math.ceil((grant.endsAt - now) / 60000));
  const clock = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(now);
  return (
    <figure className={`tile state-${shown}${enlarged ? ' enlarged' : ''}`} data-testid="tile" data-state={shown} data-camera={camera.id} onDoubleClick={onToggle}>
      {!finalState && <video ref={video} muted autoPlay playsInline aria-label={camera.label} />}
      <figcaption className="tile-caption">
        <span className="tile-index">{index + 1}</span>
        <strong>{camera.label}</strong> · {grant.siteName} · {t(`zones.${camera.zone}`)}
        <br />
        <small>
          {grant.serviceName}
          {finalState ? '' : ` · ${t('tile.left', { left: formatDuration(leftMin) })}`}
        </small>
      </figcaption>
      <span className="tile-state" role="status">
        {t(`tile.states.${shown}`)}
      </span>
      {!finalState && (
        <span className="watermark" aria-hidden="true">
          {matricule} · {clock}
        </span>
      )}
    </figure>
  );
}
