import mpegts from 'mpegts.js';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlayView, RecordingView } from '../../preload/contract';
import { relayLoader } from '../components/relay-loader';
import { formatDateTime, formatTime } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

const WINDOW_MS = 10 * 60000;
const SPEEDS = [1, 2, 4] as const;
/** A segment lasts about a minute: its bounds are told to the second. */
const toSecond = (ms: number) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(ms);

/**
 * A recorded transmission's camera in the review (issue G3). Its spans say what the journal
 * recorded and what the disk still holds (« enregistrement manquant », « enregistrement altéré »).
 * A window of ten minutes at most is decrypted by main and sent once on a one-time socket;
 * mpegts.js plays it as a VOD: everything is buffered, so seeking and ×2 / ×4 are the video
 * element's own and ask main for nothing more. Watermarked like a live tile: who is reviewing, now.
 */
export function RecordingPlayer({ grantId, cameraId, label, start, matricule, now, onClose }: { grantId: string; cameraId: string; label: string; start: number; matricule: string; now: number; onClose: () => void }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement | null>(null);
  const [recording, setRecording] = useState<RecordingView | undefined>();
  const [playing, setPlaying] = useState<PlayView | undefined>();
  const [position, setPosition] = useState(0);
  const [speed, setSpeed] = useState<number>(1);
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    window.csu.review.recording({ grantId, cameraId }).then(setRecording, (e: unknown) => setError(errorText(t, e)));
  }, [grantId, cameraId, t]);

  async function play(from: number) {
    setError(undefined);
    try {
      const p = await window.csu.review.play({ grantId, cameraId, from });
      setPlaying(p);
      setPosition(0);
    } catch (e) {
      setError(errorText(t, e));
    }
  }

  useEffect(() => {
    if (!playing || !box.current) return;
    const v = document.createElement('video');
    v.muted = true;
    v.autoplay = true;
    v.playsInline = true;
    v.setAttribute('aria-label', label);
    v.dataset.testid = 'recording-video';
    box.current.prepend(v);
    video.current = v;
    const player = mpegts.createPlayer({ type: 'mpegts', isLive: false, url: playing.url }, { enableWorker: false, lazyLoad: false, autoCleanupSourceBuffer: false, customLoader: relayLoader(() => undefined) });
    player.attachMediaElement(v);
    player.load();
    void Promise.resolve(player.play()).catch(() => undefined);
    const tick = setInterval(() => setPosition(v.currentTime), 250);
    return () => {
      clearInterval(tick);
      player.destroy();
      v.remove();
      video.current = null;
    };
  }, [playing, label]);

  useEffect(() => {
    if (video.current) video.current.playbackRate = speed;
  }, [speed, playing]);

  // onInput as well as onChange: a value set from outside React (assistive tools, automation) still seeks.
  const seek = (seconds: number) => {
    if (video.current && Number.isFinite(seconds)) video.current.currentTime = seconds;
  };

  const spans = playing?.spans ?? recording?.spans ?? [];
  const first = spans[0]?.start ?? start;
  const last = spans[spans.length - 1]?.end ?? start;
  const problems = spans.filter((s) => s.status !== 'ok');
  const lengthS = playing ? (playing.to - playing.from) / 1000 : 0;
  const clock = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(now);

  return (
    <div role="dialog" aria-labelledby="recording-title" className="panel recording" data-testid="recording-player">
      <h3 id="recording-title">{t('review.recording.title', { camera: label })}</h3>
      <div className="recording-spans" aria-label={t('review.recording.spans')}>
        {spans.map((s) => (
          <span key={s.start} className={`span span-${s.status}`} style={{ left: `${((s.start - first) / Math.max(1, last - first)) * 100}%`, width: `${((s.end - s.start) / Math.max(1, last - first)) * 100}%` }} title={`${formatTime(s.start)} → ${formatTime(s.end)} — ${t(`review.recording.status.${s.status}`)}`} data-testid="recording-span" data-status={s.status} />
        ))}
      </div>
      {problems.map((s) => (
        <p key={s.start} className={s.status === 'altered' ? 'error' : 'warn'} role={s.status === 'altered' ? 'alert' : 'status'} data-testid="recording-problem" data-status={s.status}>
          {t(`review.recording.status.${s.status}`)} : {formatDateTime(s.start)} ({toSecond(s.start)} → {toSecond(s.end)})
        </p>
      ))}
      <ErrorAlert message={error} />
      {playing && (
        <figure className="recording-screen">
          <div ref={box} className="recording-video" />
          <span className="watermark" aria-hidden="true" data-testid="recording-watermark">
            {matricule} · {clock}
          </span>
        </figure>
      )}
      {playing && (
        <div className="recording-controls">
          <span className="mono" data-testid="recording-instant">
            {formatDateTime(playing.from + position * 1000)}
          </span>
          <input type="range" min={0} max={Math.max(1, Math.floor(lengthS))} step={1} value={Math.min(position, lengthS)} aria-label={t('review.recording.seek')} onInput={(e) => seek(Number(e.currentTarget.value))} onChange={(e) => seek(Number(e.target.value))} />
          {SPEEDS.map((x) => (
            <button key={x} type="button" aria-pressed={speed === x} onClick={() => setSpeed(x)}>
              ×{x}
            </button>
          ))}
        </div>
      )}
      <div className="wizard-buttons">
        {!playing && (
          <button type="button" className="primary" disabled={!recording} onClick={() => void play(start)}>
            {t('review.recording.play')}
          </button>
        )}
        {playing && playing.from > first && (
          <button type="button" onClick={() => void play(Math.max(first, playing.from - WINDOW_MS))}>
            {t('review.recording.previous')}
          </button>
        )}
        {playing && playing.to < last && (
          <button type="button" onClick={() => void play(playing.to)}>
            {t('review.recording.next')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('review.close')}
        </button>
      </div>
    </div>
  );
}
