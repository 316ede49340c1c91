import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GrantView, OperatorView } from '../../preload/contract';
import { formatDuration, formatEnd, minutesLeft, RENEW_FROM_MIN } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';

/**
 * Transmissions en cours: each active grant, its countdown, who holds it. « Interrompre » (with
 * confirmation) for the holder and for superviseurs; « Reprendre » for another operator's grant at
 * a shift change (designated staff only; main checks both again).
 */
export function ActiveView({ grants, now, operator, onStopped, onTakeOver, onRenew }: { grants: GrantView[]; now: number; operator: OperatorView; onStopped: () => void; onTakeOver: (g: GrantView) => Promise<void>; onRenew?: (g: GrantView) => void }) {
  const { t } = useTranslation();
  const [confirm, setConfirm] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function stop(id: string) {
    if (busy) return;
    setBusy(true);
    try {
      await window.csu.grants.stop({ grantId: id });
      setConfirm(undefined);
      onStopped();
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="active-title">
      <h2 id="active-title">{t('active.title')}</h2>
      <ErrorAlert message={error} />
      {grants.length === 0 && <p className="notice">{t('active.none')}</p>}
      <ul className="active-list">
        {grants.map((g) => {
          // Renewed: its cameras already go on under the grant that renews it; it only runs out its minutes.
          const renewedBy = grants.find((x) => x.renews === g.id);
          return (
            <li key={g.id} className="panel" data-testid="active-grant">
              <h3>
                {g.siteName} — {t(`motives.${g.motive}`)}
                {g.recorded && (
                  <span className={`tag-recorded${g.recordingStopped ? ' stopped' : ''}`} data-testid="active-recorded" title={g.recordingStopped ? t('tile.recording.stoppedTitle', { reason: t(`tile.recording.reasons.${g.recordingStopped}`) }) : undefined}>
                    {t(g.recordingStopped ? 'active.recordingStopped' : 'active.recorded')}
                  </span>
                )}
              </h3>
              <p>
                {t('active.service')} : {g.serviceName}
                <br />
                {t('active.cameras')} : {g.cameras.map((c) => c.label).join(', ')}
                <br />
                {t('active.until', { time: formatEnd(g.endsAt, now) })} — <strong className="nowrap">{t('tile.left', { left: formatDuration(minutesLeft(g.endsAt, now)) })}</strong>
                {renewedBy && (
                  <>
                    <br />
                    <span data-testid="active-renewed">{t('active.renewedBy', { time: formatEnd(renewedBy.endsAt, now) })}</span>
                  </>
                )}
              </p>
              <p className="holder">
                {t('active.requestedBy', { operator: g.operator })}
                {g.holder !== g.operator ? `, ${t('active.heldBy', { holder: g.holder })}` : ''}
                {g.holder === operator.matricule ? ` — ${t('active.mine')}` : ''}
              </p>
              {onRenew && !renewedBy && g.holder === operator.matricule && minutesLeft(g.endsAt, now) <= RENEW_FROM_MIN && (
                <button type="button" className="primary" onClick={() => onRenew(g)}>
                  {t('renewal.action')}
                </button>
              )}
              {g.holder !== operator.matricule && operator.designated && (
                <button type="button" onClick={() => void onTakeOver(g)} title={t('active.takeOverHint')}>
                  {t('active.takeOver')}
                </button>
              )}
              {g.holder !== operator.matricule && operator.role !== 'superviseur' ? null : confirm === g.id ? (
                <div role="alertdialog" aria-label={t('active.confirmTitle')} className="confirm">
                  <p>{t('active.confirm')}</p>
                  <button type="button" className="danger" onClick={() => stop(g.id)} disabled={busy}>
                    {t('active.confirmYes')}
                  </button>
                  <button type="button" onClick={() => setConfirm(undefined)}>
                    {t('active.confirmNo')}
                  </button>
                </div>
              ) : (
                <button type="button" className="danger" onClick={() => setConfirm(g.id)}>
                  {t('active.stop')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
