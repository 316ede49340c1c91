import { useTranslation } from 'react-i18next';
import type { OperatorView } from '../../preload/contract';
import { formatDay } from '../format';
import { usePolled } from '../hooks';

/**
 * Conventions lapsing within 30 days, or lapsed (requests on that site are refused), for
 * superviseurs and administrateurs: a convention is renewed, never extended silently (CCH R127-8),
 * so someone must see the date coming. Polled: a day can pass while the console runs.
 */
export function ConventionBanner({ operator, refreshKey = 0, pollMs = 60000 }: { operator: OperatorView; refreshKey?: number; pollMs?: number }) {
  const { t } = useTranslation();
  const allowed = (operator.role === 'superviseur' || operator.role === 'administrateur') && !operator.mustChangePassword;
  const alerts = usePolled(() => window.csu.catalogue.alerts(), allowed, pollMs, refreshKey) ?? [];
  if (!allowed || alerts.length === 0) return null;
  return (
    <div className="banners">
      {alerts.map((a) => (
        <p key={a.conventionId} className={`banner ${a.lapsed ? 'danger' : 'warning'}`} role="alert" data-testid="convention-banner">
          {a.lapsed
            ? t('conventionAlerts.lapsed', { site: a.siteName, date: formatDay(a.validTo) })
            : a.daysLeft === 0
              ? t('conventionAlerts.today', { site: a.siteName, date: formatDay(a.validTo) })
              : t('conventionAlerts.soon', { site: a.siteName, date: formatDay(a.validTo), count: a.daysLeft })}
        </p>
      ))}
    </div>
  );
}
