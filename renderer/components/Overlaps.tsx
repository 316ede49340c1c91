import { useTranslation } from 'react-i18next';
import type { GrantView } from '../../preload/contract';
import { formatEnd, unbreakable } from '../format';
import type { Overlap } from './overlap-rule';

/**
 * Cameras already transmitted on this console: the request says so while they are chosen and at
 * its summary. To the same service it cannot go on with them (a second tile, a second registry
 * line for one transmission): remove them, or renew the running transmission. To another service
 * it is a separate transmission, only named.
 */
export function Overlaps({ overlaps, serviceKnown, matricule, onRenew, onRemove }: { overlaps: Overlap[]; serviceKnown: boolean; matricule: string; onRenew?: ((g: GrantView) => void) | undefined; onRemove?: (() => void) | undefined }) {
  const { t } = useTranslation();
  if (overlaps.length === 0) return null;
  const duplicates = overlaps.some((o) => o.sameService);
  return (
    <div className="overlaps" data-testid="overlaps">
      {overlaps.map(({ grant: g, cameras, sameService }) => (
        <div key={g.id} className={sameService ? 'notice duplicate' : 'notice'} role={sameService ? 'alert' : 'status'} data-testid={sameService ? 'overlap-duplicate' : 'overlap-other'}>
          <p>
            {t('overlap.already', {
              cameras: cameras.map((c) => c.label).join(', '),
              count: cameras.length,
              end: unbreakable(formatEnd(g.endsAt, Date.now())),
              motive: t(`motives.${g.motive}`),
              service: g.serviceName,
            })}{' '}
            {sameService ? <strong>{t('overlap.same', { count: cameras.length })}</strong> : serviceKnown ? t('overlap.otherService') : t('overlap.ifSameService')}
          </p>
          {onRenew && g.holder === matricule && (
            <button type="button" className="primary" onClick={() => onRenew(g)}>
              {t('overlap.renew')}
            </button>
          )}
        </div>
      ))}
      {duplicates && onRemove && (
        <button type="button" className="remove-duplicates" onClick={onRemove}>
          {t('overlap.remove')}
        </button>
      )}
    </div>
  );
}
