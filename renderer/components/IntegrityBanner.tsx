import { useTranslation } from 'react-i18next';
import type { OperatorView } from '../../preload/contract';
import { usePolled } from '../hooks';

/**
 * The red banner superviseurs and administrateurs see while the journal or the registry view was
 * found altered (« Registre altéré à l'entrée n° N »). It cannot be dismissed: the evidence is
 * the journal, and the journal says where it stops holding. Polled, since a break can be found
 * while the console runs.
 */
export function IntegrityBanner({ operator, pollMs = 15000 }: { operator: OperatorView; pollMs?: number }) {
  const { t } = useTranslation();
  const allowed = operator.role === 'superviseur' || operator.role === 'administrateur';
  const status = usePolled(() => window.csu.integrity.status(), allowed, pollMs);
  if (!allowed || status?.state !== 'altered') return null;
  return (
    <p className="banner danger integrity" role="alert" data-testid="integrity-banner">
      {t('integrity.altered', { seq: status.firstBrokenSeq ?? status.verifiedSeq + 1 })}
    </p>
  );
}
