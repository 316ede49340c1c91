import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MOTIVES, type CatalogueView, type ReportFiltersArgs, type ReportPreviewView, type ReportResultView } from '../../preload/contract';
import { errorText } from '../i18n';
import { ErrorAlert } from '../components/ErrorAlert';
import { FilterSelect } from '../components/FilterSelect';

type Kind = ReportFiltersArgs['period']['kind'];
type Format = ReportResultView['format'];

/** Today as a Paris calendar day (YYYY-MM-DD): the report's periods are Paris days. */
function parisToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now());
}

function frDay(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * Rapport du registre, for superviseurs and administrateurs (main refuses everyone else whatever
 * this screen shows). Main builds the file from the journal; this screen only chooses the filters,
 * shows the counts, and hands the result to the browser (headless: a one-time link) or reports
 * where Electron's save dialog wrote it.
 */
export function ReportsView() {
  const { t } = useTranslation();
  const today = parisToday();
  const [kind, setKind] = useState<Kind>('month');
  const [day, setDay] = useState(today);
  const [month, setMonth] = useState(today.slice(0, 7));
  const [from, setFrom] = useState(`${today.slice(0, 7)}-01`);
  const [to, setTo] = useState(today);
  const [siteId, setSiteId] = useState('');
  const [bailleurId, setBailleurId] = useState('');
  const [serviceId, setServiceId] = useState('');
  const [motive, setMotive] = useState('');
  const [operator, setOperator] = useState('');
  const [source, setSource] = useState<'local' | 'central'>('local');
  const [consoleId, setConsoleId] = useState('');
  const [sources, setSources] = useState<{ central: boolean; serverOrigin: string | null } | undefined>();
  // The consoles met in the central registry: the « Poste » list keeps them when one is chosen.
  const [consoles, setConsoles] = useState<string[]>([]);
  const [catalogue, setCatalogue] = useState<CatalogueView | undefined>();
  const [preview, setPreview] = useState<ReportPreviewView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ r: ReportResultView; delivery: 'save' | 'print' } | undefined>();

  useEffect(() => {
    window.csu.catalogue.get().then(setCatalogue, () => undefined);
    window.csu.reports.sources().then(setSources, () => undefined);
  }, []);

  const filters = useMemo((): ReportFiltersArgs => {
    const period: ReportFiltersArgs['period'] = kind === 'custom' ? { kind, from, to } : kind === 'month' ? { kind, month } : { kind, day };
    return {
      period,
      siteId: siteId || undefined,
      bailleurId: bailleurId || undefined,
      serviceId: serviceId || undefined,
      motive: (motive || undefined) as (typeof MOTIVES)[number] | undefined,
      operator: operator || undefined,
      ...(source === 'central' ? { source, consoleId: consoleId || undefined } : {}),
    };
  }, [kind, day, month, from, to, siteId, bailleurId, serviceId, motive, operator, source, consoleId]);

  useEffect(() => {
    let alive = true;
    window.csu.reports.preview(filters).then(
      (p) => {
        if (!alive) return;
        setPreview(p);
        setError(undefined);
        if (p.source.kind === 'central') setConsoles((known) => [...new Set([...known, ...p.source.consoles])].sort());
      },
      (e: unknown) => alive && (setPreview(undefined), setError(errorText(t, e))),
    );
    return () => {
      alive = false;
    };
  }, [filters, t]);

  const bailleurs = useMemo(() => [...new Map((catalogue?.sites ?? []).map((s) => [s.bailleurId, s.bailleurName]))].map(([value, label]) => ({ value, label })), [catalogue]);

  async function generate(format: Format, delivery: 'save' | 'print') {
    setBusy(true);
    setResult(undefined);
    try {
      const r = await window.csu.reports.generate({ ...filters, format, delivery });
      setResult({ r, delivery });
      setError(undefined);
      if (r.url) {
        // Headless shell: the browser fetches the one-time link (download, or the PDF to print).
        if (delivery === 'print') window.open(r.url, '_blank', 'noopener');
        else {
          const a = document.createElement('a');
          a.href = r.url;
          a.download = r.fileName;
          a.click();
        }
      }
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  const v = preview?.verification;
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t('views.reports.title')}</h2>
      {v && (
        <p className={v.ok ? 'hint' : 'error'} data-testid="report-verification">
          {/* The chain verified here is always this console's, whichever source the report reads. */}
          {source === 'central' && t('report.screen.thisConsolePrefix')}
          {!v.ok ? t('report.screen.verificationAltered', { seq: v.firstBrokenSeq ?? v.verifiedSeq + 1 }) : v.verifiedSeq > 0 ? t('report.screen.verificationOk', { seq: v.verifiedSeq, fingerprint: v.fingerprint }) : t('report.verifiedEmpty')}
        </p>
      )}
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <fieldset className="report-source" data-testid="report-source">
          <legend>{t('report.screen.source')}</legend>
          {(['local', 'central'] as const).map((k) => (
            <label key={k} className="inline">
              <input type="radio" name="report-source" value={k} checked={source === k} disabled={k === 'central' && !sources?.central} onChange={() => (setSource(k), setConsoleId(''))} />
              {t(`report.screen.sources.${k}`)}
            </label>
          ))}
          {sources && !sources.central && <span className="hint">{t('report.screen.centralUnavailable')}</span>}
        </fieldset>
        <label>
          {t('report.screen.periodKind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {(['day', 'week', 'month', 'custom'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`report.screen.kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        {(kind === 'day' || kind === 'week') && (
          <label>
            {kind === 'day' ? t('report.screen.day') : t('report.screen.weekOf')}
            <input type="date" value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
        )}
        {kind === 'month' && (
          <label>
            {t('report.screen.month')}
            <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
          </label>
        )}
        {kind === 'custom' && (
          <>
            <label>
              {t('report.screen.from')}
              <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </label>
            <label>
              {t('report.screen.to')}
              <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
          </>
        )}
        <FilterSelect label={t('report.screen.site')} all={t('report.screen.all')} value={siteId} onChange={setSiteId} options={catalogue?.sites.map((s) => ({ value: s.id, label: s.name })) ?? []} />
        <FilterSelect label={t('report.screen.bailleur')} all={t('report.screen.all')} value={bailleurId} onChange={setBailleurId} options={bailleurs} />
        <FilterSelect label={t('report.screen.service')} all={t('report.screen.all')} value={serviceId} onChange={setServiceId} options={catalogue?.services.map((s) => ({ value: s.id, label: s.name })) ?? []} />
        <FilterSelect label={t('report.screen.motive')} all={t('report.screen.all')} value={motive} onChange={setMotive} options={MOTIVES.map((m) => ({ value: m, label: t(`motives.${m}`) }))} />
        {source === 'central' && <FilterSelect label={t('report.screen.console')} all={t('report.screen.all')} value={consoleId} onChange={setConsoleId} options={consoles.map((c) => ({ value: c, label: c }))} />}
        <FilterSelect label={t('report.screen.operator')} all={t('report.screen.all')} value={operator} onChange={setOperator} options={(preview?.operators ?? []).map((o) => ({ value: o.matricule, label: `${o.name} (${o.matricule})` }))} />
      </form>
      <ErrorAlert message={error} />
      {preview && (
        <div className="report-preview" aria-labelledby="report-preview-title">
          <h3 id="report-preview-title">{t('report.screen.previewTitle')}</h3>
          <p className="hint" data-testid="report-source-line">
            {preview.source.line}
          </p>
          <p data-testid="report-preview">{t(preview.source.kind === 'central' ? 'report.screen.previewCentral' : 'report.screen.preview', { from: frDay(preview.period.first), to: frDay(preview.period.last), transmissions: preview.transmissions, refused: preview.refused })}</p>
          {preview.byMotive.length > 0 && (
            <ul className="hint">
              {preview.byMotive.map((m) => (
                <li key={m.key}>
                  {t(`motives.${m.key}`, { defaultValue: m.key })} : {m.count}
                </li>
              ))}
            </ul>
          )}
          {preview.source.kind === 'central' && preview.byConsole.length > 0 && (
            <ul className="hint" aria-label={t('report.screen.byConsole')} data-testid="report-by-console">
              {preview.byConsole.map((c) => (
                <li key={c.key}>
                  {t('report.screen.console')} {c.key} : {c.count}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="actions">
        <button type="button" disabled={busy || !preview} onClick={() => generate('pdf', 'save')}>
          {t('report.screen.pdf')}
        </button>
        <button type="button" disabled={busy || !preview} onClick={() => generate('csv', 'save')}>
          {t('report.screen.csv')}
        </button>
        <button type="button" disabled={busy || !preview} onClick={() => generate('pdf', 'print')}>
          {t('report.screen.print')}
        </button>
      </div>
      {busy && <p role="status">{t('report.screen.working')}</p>}
      {result && (
        <div role="status" data-testid="report-result">
          <p>{t('report.screen.done', { rows: result.r.rows, sha: `${result.r.sha256.slice(0, 12)}…` })}</p>
          <p className="hint">{result.r.source}</p>
          <p className={result.r.verification.ok ? 'hint' : 'error'}>
            {result.r.verification.line}. {result.r.mirror}.
          </p>
          {result.r.savedTo !== undefined && <p>{result.r.savedTo === null ? t('report.screen.cancelled') : t('report.screen.saved', { path: result.r.savedTo })}</p>}
        </div>
      )}
    </section>
  );
}
