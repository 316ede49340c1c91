import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload, GrantView } from '../../preload/contract';
import { Tile } from '../components/Tile';
import { endedState } from '../components/tile-state';
import { useSessionState } from '../hooks';
import { layoutFor, LAYOUT_CHOICES, rowsFor, type LayoutChoice } from './wall-layout';
import { WallHelp } from './WallHelp';

export interface OpenGrant {
  grant: GrantView;
  streams: { cameraId: string; url: string; mainUrl?: string | undefined }[];
  ended?: EventPayload<'grant.ended'>['reason'];
  /** The first grant of a chain of renewals: tiles keep their identity (and their player) across them. */
  lineage?: string | undefined;
}

/** Keys 1–9 and 0 (10th) pick a tile by its number, whatever the keyboard (AZERTY digits need Shift). */
function digitOf(e: KeyboardEvent): number | undefined {
  const m = /^(?:Digit|Numpad)(\d)$/.exec(e.code) ?? /^(\d)$/.exec(e.key);
  if (!m) return undefined;
  const d = Number(m[1]);
  return d === 0 ? 10 : d;
}

export function WallView({ open, matricule, now, visible, onDismiss, onRenew, onReopen }: { open: OpenGrant[]; matricule: string; now: number; visible: boolean; onDismiss: (grantId: string) => void; onRenew: (g: GrantView) => void; onReopen?: (grantId: string) => void }) {
  const { t } = useTranslation();
  // The chosen layout and page survive a reload (F5) of this window.
  const [choice, setChoice] = useSessionState<LayoutChoice>('csu.wall.layout', 'auto', (v): v is LayoutChoice => LAYOUT_CHOICES.includes(v as LayoutChoice));
  const [page, setPage] = useSessionState('csu.wall.page', 0, (v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1000);
  const [enlarged, setEnlarged] = useState<number | undefined>();
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const live = open.filter((o) => !o.ended).flatMap((o) => o.streams.map((s) => ({ o, s, camera: o.grant.cameras.find((c) => c.id === s.cameraId)! })));
  const ended = open.filter((o) => o.ended);
  const { cols, perPage, pages } = layoutFor(live.length, choice);
  const current = Math.min(page, pages - 1);
  const onPage = live.slice(current * perPage, (current + 1) * perPage);
  const elsewhere = live.length - onPage.length;
  const rows = enlarged !== undefined ? 1 : rowsFor(onPage.length, cols);

  // The keyboard reaches every tile: arrows move the selection, Entrée enlarges, digits pick one.
  useEffect(() => {
    if (!visible) return;
    const go = (i: number) => {
      if (i < 0 || i >= live.length) return;
      setSelected(i);
      setPage(Math.floor(i / perPage));
    };
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.closest?.('input, textarea, select, [role=dialog]') && e.key !== 'Escape') return;
      if (e.key === '?') return void setHelp((h) => !h);
      if (e.key === 'Escape') {
        setHelp(false);
        setEnlarged(undefined);
        return;
      }
      const d = digitOf(e);
      if (d !== undefined && d <= live.length) {
        go(d - 1);
        setEnlarged(d - 1);
        return;
      }
      const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
      if (e.key in step) {
        e.preventDefault();
        const next = Math.max(0, Math.min(live.length - 1, selected + step[e.key]!));
        go(next);
        if (enlarged !== undefined) setEnlarged(next);
      } else if (e.key === 'Enter' && live.length > 0 && !(e.target as HTMLElement)?.closest?.('button')) {
        setEnlarged(enlarged === undefined ? selected : undefined);
      } else if (e.key === 'PageDown') {
        setPage((p) => Math.min(pages - 1, p + 1));
      } else if (e.key === 'PageUp') {
        setPage((p) => Math.max(0, p - 1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [visible, live.length, perPage, pages, cols, selected, enlarged]);

  const enlargedOnPage = enlarged !== undefined ? enlarged - current * perPage : undefined;
  return (
    <section aria-labelledby="wall-title" hidden={!visible} className="wall-view">
      <div className="wall-bar">
        <h2 id="wall-title">{t('views.wall.title')}</h2>
        <div className="wall-tools">
          {pages > 1 && (
            <div className="wall-pages" role="group" aria-label={t('wall.pages')}>
              <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0} aria-label={t('wall.previous')}>
                ‹
              </button>
              <span data-testid="wall-page">{t('wall.page', { page: current + 1, pages })}</span>
              <button type="button" onClick={() => setPage(current + 1)} disabled={current === pages - 1} aria-label={t('wall.next')}>
                ›
              </button>
            </div>
          )}
          {elsewhere > 0 && (
            <button type="button" className="wall-more" data-testid="wall-more" onClick={() => setPage((current + 1) % pages)}>
              {t('wall.more', { count: elsewhere })}
            </button>
          )}
          <div role="group" aria-label={t('wall.layout')}>
            {LAYOUT_CHOICES.map((n) => (
              <button key={n} type="button" className={choice === n ? 'active' : ''} aria-pressed={choice === n} onClick={() => (setChoice(n), setPage(0))}>
                {n === 'auto' ? t('wall.auto') : n === 1 ? '1' : `${n}×${n}`}
              </button>
            ))}
          </div>
          <button type="button" onClick={() => setHelp(true)} aria-keyshortcuts="?">
            {t('wall.help')}
          </button>
        </div>
      </div>
      {ended.length > 0 && (
        <ul className="wall-ended" aria-label={t('wall.ended')}>
          {ended.map((o) => (
            <li key={o.grant.id} className="ended-strip">
              {o.grant.cameras.map((c) => (
                <figure key={c.id} className={`tile tile-ended state-${endedState(o.ended!)}`} data-testid="tile" data-state={endedState(o.ended!)} data-camera={c.id} data-grant={o.grant.id} title={`${c.label} · ${o.grant.siteName} — ${t(`tile.states.${endedState(o.ended!)}`)}`}>
                  <figcaption>
                    <strong>{c.label}</strong> · {o.grant.siteName}
                  </figcaption>
                  <span className="tile-state" role="status">
                    {t(`tile.states.${endedState(o.ended!)}`)}
                  </span>
                </figure>
              ))}
              <button type="button" onClick={() => onDismiss(o.grant.id)} aria-label={t('wall.dismiss', { site: o.grant.siteName })}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {live.length === 0 ? (
        ended.length === 0 && <p className="notice">{t('wall.empty')}</p>
      ) : (
        <div className="wall" data-testid="wall" data-cols={enlarged !== undefined ? 1 : cols} style={{ gridTemplateColumns: `repeat(${enlarged !== undefined ? 1 : cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}>
          {onPage.map(({ o, s, camera }, i) => {
            const index = current * perPage + i;
            const hidden = enlargedOnPage !== undefined && enlargedOnPage !== i;
            return (
              <div key={`${o.lineage ?? o.grant.id}:${s.cameraId}`} className={`tile-slot${selected === index ? ' selected' : ''}`} hidden={hidden}>
                <Tile grant={o.grant} camera={camera} url={s.url} mainUrl={s.mainUrl} matricule={matricule} now={now} index={index} enlarged={enlargedOnPage === i} visible={visible && !hidden} onRenew={o.grant.holder === matricule ? () => onRenew(o.grant) : undefined} onReopen={onReopen && (() => onReopen(o.grant.id))} onToggle={() => (setSelected(index), setEnlarged(enlarged === index ? undefined : index))} />
              </div>
            );
          })}
        </div>
      )}
      {help && <WallHelp onClose={() => setHelp(false)} />}
    </section>
  );
}
