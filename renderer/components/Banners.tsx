import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { groupBanners, withoutExpired, type Banner } from '../banners';
import { formatDuration, formatEnd, minutesLeft, unbreakable } from '../format';

/** « Résidence du Tripode (Hall A, Hall B et 3 autres), pour Police municipale »: which site, cameras and service, never a bare message. */
function where(t: (k: string, o?: Record<string, unknown>) => string, b: Banner): string {
  const shown = b.cameras.slice(0, 3).join(', ');
  const more = b.cameras.length > 3 ? ` ${t('banners.andMore', { count: b.cameras.length - 3 })}` : '';
  return t('banners.where', { site: b.site, cameras: `${shown}${more}`, service: b.service });
}

/**
 * Warnings count down with the same clock and rounding as the tiles (« reste 1 min » and « dans
 * 1 min » agree); ended transmissions are information: one line per reason, gone after 10 s.
 */
export function Banners({ banners, now, onChange }: { banners: Banner[]; now: number; onChange: (next: (b: Banner[]) => Banner[]) => void }) {
  const { t } = useTranslation();
  useEffect(() => {
    if (!banners.some((b) => b.kind === 'ended')) return;
    const timer = setInterval(() => onChange((l) => withoutExpired(l, performance.now())), 500);
    return () => clearInterval(timer);
  }, [banners, onChange]);
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {groupBanners(banners).map((g) => {
        const first = g.items[0]!;
        const left = minutesLeft(first.endsAt, now);
        const text =
          g.kind === 'warning'
            ? t('banners.warning', { where: where(t, first), left: unbreakable(formatDuration(left)), end: unbreakable(formatEnd(first.endsAt, now)) })
            : `${g.items.map((b) => where(t, b)).join(' ; ')} : ${t(`banners.ended.${g.reason}`)}`;
        const level = g.kind === 'ended' ? 'info' : left <= 1 ? 'danger' : 'warning';
        return (
          <p key={g.key} className={`banner ${level}`} role={level === 'info' ? 'status' : 'alert'} data-testid="banner">
            <span>{text}</span>
            <button type="button" aria-label={t('banners.close')} onClick={() => onChange((l) => l.filter((b) => !g.items.includes(b)))}>
              ×
            </button>
          </p>
        );
      })}
    </div>
  );
}
