import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MOTIVES, contract, mayCall, type CatalogueView, type IntegrityStatusView, type OperatorView } from '../../preload/contract';
import { RegistryEvents } from './RegistryEvents';
import { formatDate, formatDuration, formatTime, unbreakable } from '../format';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { FilterSelect } from '../components/FilterSelect';

type Row = Awaited<ReturnType<typeof window.csu.registry.list>>[number];

/** A Paris calendar day (YYYY-MM-DD) to the instant it starts (ms), for the period filter. */
export function parisDayStart(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const utc = Date.parse(`${day}T00:00:00Z`);
  const offsetMin = Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' }).formatToParts(utc).find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '').split(':')[0] ?? 0) * 60;
  return utc - offsetMin * 60000;
}

/** The instant after a Paris calendar day (exclusive end of the period filter). */
function endOfDay(day: string): number | undefined {
  const start = parisDayStart(day);
  return start === undefined ? undefined : start + 86400000;
}

/**
 * Registre des transmissions. An opérateur sees the transmissions they requested; superviseurs and
 * administrateurs see every one (with an operator filter) and, below, the refused requests,
 * logins, lockouts, hand-overs and catalogue changes. Main enforces the same split.
 */
export function RegistryView({ refreshKey, operator }: { refreshKey: number; operator: OperatorView }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>([]);
  const [catalogue, setCatalogue] = useState<CatalogueView | undefined>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [siteId, setSiteId] = useState('');
  const [serviceId, setServiceId] = useState('');
  const [motive, setMotive] = useState('');
  const [operatorFilter, setOperatorFilter] = useState('');
  const seesAll = operator.role !== 'operateur';
  const seesEvents = mayCall(contract.registry.events.access, operator);
  const [error, setError] = useState<string | undefined>();
  const [integrity, setIntegrity] = useState<IntegrityStatusView | undefined>();
  const seesIntegrity = mayCall(contract.integrity.status.access, operator);
  useEffect(() => {
    // The journal's verification, as main last ran it (at start, then every few seconds for new entries).
    if (seesIntegrity) window.csu.integrity.status().then(setIntegrity, () => undefined);
  }, [seesIntegrity, refreshKey]);

  useEffect(() => {
    window.csu.catalogue.get().then(setCatalogue, () => undefined);
  }, []);
  useEffect(() => {
    const f = parisDayStart(from);
    window.csu.registry
      .list({ from: f, to: endOfDay(to), siteId: siteId || undefined, serviceId: serviceId || undefined, motive: (motive || undefined) as (typeof MOTIVES)[number] | undefined, operator: operatorFilter || undefined })
      .then((r) => (setRows(r), setError(undefined)), (e: unknown) => setError(errorText(t, e)));
  }, [from, to, siteId, serviceId, motive, operatorFilter, refreshKey, t]);
  const [knownOperators, setKnownOperators] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    // The operator filter offers whoever appears in the unfiltered registry.
    if (!seesAll || operatorFilter) return;
    const seen = new Map(rows.map((r) => [r.operatorMatricule, `${r.operatorName} (${r.operatorMatricule})`]));
    setKnownOperators([...seen].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label, 'fr')));
  }, [rows, seesAll, operatorFilter]);

  return (
    <section aria-labelledby="registry-title">
      <h2 id="registry-title">{t('views.registry.title')}</h2>
      <p className="hint" data-testid="registry-scope">
        {seesAll ? t('registry.scopeAll') : t('registry.scopeOwn')}
      </p>
      {integrity && (
        <p className={integrity.state === 'ok' ? 'hint' : 'error'} data-testid="registry-verification">
          {integrity.state !== 'ok'
            ? t('report.screen.verificationAltered', { seq: integrity.firstBrokenSeq ?? integrity.verifiedSeq + 1 })
            : integrity.verifiedSeq > 0
              ? t('report.screen.verificationOk', { seq: integrity.verifiedSeq, fingerprint: `${integrity.headHash.slice(0, 4)}…${integrity.headHash.slice(-2)}` })
              : t('report.verifiedEmpty')}
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('registry.from')}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t('registry.to')}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <FilterSelect label={t('registry.site')} all={t('registry.all')} value={siteId} onChange={setSiteId} options={catalogue?.sites.map((x) => ({ value: x.id, label: x.name })) ?? []} />
        <FilterSelect label={t('registry.service')} all={t('registry.all')} value={serviceId} onChange={setServiceId} options={catalogue?.services.map((x) => ({ value: x.id, label: x.name })) ?? []} />
        <FilterSelect label={t('registry.motive')} all={t('registry.all')} value={motive} onChange={setMotive} options={MOTIVES.map((m) => ({ value: m, label: t(`motives.${m}`) }))} />
        {seesAll && <FilterSelect label={t('registry.operator')} all={t('registry.all')} value={operatorFilter} onChange={setOperatorFilter} options={knownOperators} />}
      </form>
      <ErrorAlert message={error} />
      <table className="registry">
        <thead>
          <tr>
            {['day', 'hour', 'granted', 'effective', 'service', 'motive', 'site', 'cameras', 'operator', 'end'].map((c) => (
              <th key={c} scope="col">
                {t(`registry.cols.${c}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={10}>{t('registry.empty')}</td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.grantId} data-testid="registry-row">
              <td>{formatDate(r.startsAt)}</td>
              <td className="nowrap">{formatTime(r.startsAt)}</td>
              <td className="nowrap">{formatDuration(r.grantedMin)}</td>
              <td className="nowrap">{r.effectiveMin === null ? t('registry.ongoing') : formatDuration(r.effectiveMin)}</td>
              <td>{r.serviceName}</td>
              <td>{t(`motives.${r.motive}`)}</td>
              <td>{r.siteName}</td>
              <td>
                {r.cameras.map((c) => c.label).join(', ')}
                {r.renews && (
                  <small className="renews" data-testid="registry-renews">
                    <br />
                    {t('registry.renews', { time: unbreakable(formatTime(rows.find((x) => x.grantId === r.renews)?.startsAt ?? r.startsAt)) })}
                  </small>
                )}
              </td>
              <td>
                {r.operatorName} ({r.operatorMatricule})
              </td>
              <td>{r.endReason ? t(`registry.ends.${r.endReason}`) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {seesEvents && <RegistryEvents from={parisDayStart(from)} to={endOfDay(to)} refreshKey={refreshKey} siteName={(id) => catalogue?.sites.find((x) => x.id === id)?.name ?? id} />}
    </section>
  );
}
