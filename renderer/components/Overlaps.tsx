import { useTranslation } from 'react-i18next';
import type { GrantView } from '../../preload/contract';
import { formatEnd, unbreakable } from '../format';

/**
 * Cameras already transmitted on this console: the request says so while they are chosen, and
 * offers to renew the running transmission rather than open a second tile of the same camera.
 */
export function Overlaps({ cameraIds, active, except, matricule, onRenew }: { cameraIds: string[]; active: GrantView[]; except?: string | undefined; matricule: string; onRenew?: ((g: GrantView) => void) | undefined }) {
  const { t } = useTranslation();
  const hits = active.filter((g) => g.id !== except && g.cameras.some((c) => cameraIds.includes(c.id)));
  if (hits.length === 0) return null;
  return (
    <div className="overlaps" data-testid="overlaps">
      {hits.map((g) => (
        <div key={g.id} className="notice" role="status">
          <p>
            {t('overlap.already', {
              cameras: g.cameras.filter((c) => cameraIds.includes(c.id)).map((c) => c.label).join(', '),
              count: g.cameras.filter((c) => cameraIds.includes(c.id)).length,
              end: unbreakable(formatEnd(g.endsAt, Date.now())),
              motive: t(`motives.${g.motive}`),
              service: g.serviceName,
            })}
          </p>
          {onRenew && g.holder === matricule && (
            <button type="button" className="primary" onClick={() => onRenew(g)}>
              {t('overlap.renew')}
            </button>
          )}
        </div>
      ))}
    </div>
  );
}
