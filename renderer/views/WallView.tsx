import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload, GrantView } from '../../preload/contract';
import { Tile } from '../components/Tile';

export interface OpenGrant {
  grant: GrantView;
  streams: { cameraId: string; url: string }[];
  ended?: EventPayload<'grant.ended'>['reason'];
}

const LAYOUTS = [1, 2, 3, 4] as const;

export function WallView({ open, matricule, now, visible }: { open: OpenGrant[]; matricule: string; now: number; visible: boolean }) {
  const { t } = useTranslation();
  const [layout, setLayout] = useState<(typeof LAYOUTS)[number]>(2);
  const [enlarged, setEnlarged] = useState<number | undefined>();
  const tiles = open.flatMap((o) => o.streams.map((s) => ({ o, s, camera: o.grant.cameras.find((c) => c.id === s.cameraId)! })));

  useEffect(() => {
    if (!visible) return;
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.closest?.('input, textarea, select')) return;
      if (e.key === 'Escape') setEnlarged(undefined);
      else if (/^[1-9]$/.test(e.key) && Number(e.key) <= tiles.length) setEnlarged(Number(e.key) - 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, tiles.length]);

  return (
    <section aria-labelledby="wall-title" hidden={!visible} className="wall-view">
      <div className="wall-bar">
        <h2 id="wall-title">{t('views.wall.title')}</h2>
        <div role="group" aria-label={t('wall.layout')}>
          {LAYOUTS.map((n) => (
            <button key={n} type="button" className={layout === n ? 'active' : ''} aria-pressed={layout === n} onClick={() => setLayout(n)}>
              {n === 1 ? '1' : `${n}×${n}`}
            </button>
          ))}
        </div>
      </div>
      {tiles.length === 0 ? (
        <p className="notice">{t('wall.empty')}</p>
      ) : (
        <div className={`wall grid-${enlarged === undefined ? layout : 1}`}>
          {tiles.slice(0, enlarged === undefined ? layout * layout : undefined).map(({ o, s, camera }, i) =>
            enlarged !== undefined && enlarged !== i ? null : (
              <Tile key={`${o.grant.id}:${s.cameraId}`} grant={o.grant} camera={camera} url={s.url} matricule={matricule} now={now} ended={o.ended} visible={visible} index={i} enlarged={enlarged === i} onToggle={() => setEnlarged(enlarged === i ? undefined : i)} />
            ),
          )}
        </div>
      )}
    </section>
  );
}
