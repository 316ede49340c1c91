import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CentralCatalogueView } from '../../../preload/contract';
import { formatDateTime } from '../../format';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { problemText, problemsOf } from './problems';

/** The central catalogue as this console follows it, read from main (and again after each action). */
export function useCentralCatalogue(): [CentralCatalogueView | undefined, () => void] {
  const [view, setView] = useState<CentralCatalogueView | undefined>();
  const reload = useCallback(() => {
    window.csu.admin.centralCatalogue().then(setView, () => setView(undefined));
  }, []);
  useEffect(reload, [reload]);
  return [view, reload];
}

/** « Source : serveur central, version 12 du … » — or « catalogue local » without a central server. */
export function CatalogueSource({ view }: { view: CentralCatalogueView }) {
  const { t } = useTranslation();
  const source = !view.following
    ? t('admin.central.sourceLocal')
    : view.version === null
      ? t('admin.central.sourceNone')
      : t('admin.central.sourceCentral', { version: view.version, date: view.publishedAt ? formatDateTime(view.publishedAt) : '—' });
  return (
    <span className="hint" data-testid="catalogue-source">
      {source}
      {view.following && ` · ${view.checkedAt ? t('admin.central.checked', { date: formatDateTime(view.checkedAt) }) : t('admin.central.neverChecked')}`}
    </span>
  );
}

/** « 14 h 05 » must not break across lines. */
const keepTogether = (date: string) => date.replace(/ h /g, '\u00a0h\u00a0');

/**
 * Above a catalogue section of a follower that may not publish: its edit controls are disabled, and
 * this says why at once (what stays local on that screen, where there is something).
 */
export function CatalogueLockNotice({ view, section }: { view: CentralCatalogueView; section: string }) {
  const { t } = useTranslation();
  const local = t(`admin.central.lockedLocal.${section}`, { defaultValue: '' });
  return (
    <p className="notice" data-testid="central-locked">
      {view.version === null ? t('admin.central.lockedNone') : t('admin.central.locked', { version: view.version, date: view.publishedAt ? keepTogether(formatDateTime(view.publishedAt)) : '—' })}
      {local && ` ${local}`}
    </p>
  );
}

/**
 * « Catalogue partagé », in the « Serveur central » section: what this console follows, a check
 * now, and « Publier sur le serveur central » (the server decides who may; its refusal is shown
 * with its reason, and a refused catalogue with each problem's JSON path).
 */
export function CentralCatalogueAdmin({ reload }: { reload: () => void }) {
  const { t } = useTranslation();
  const [view, reloadView] = useCentralCatalogue();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  const [error, setError] = useState<{ text: string; problems: string[] } | undefined>();

  async function act(fn: () => Promise<string | undefined>) {
    setBusy(true);
    setDone(undefined);
    setError(undefined);
    try {
      setDone(await fn());
    } catch (err) {
      const d = (err as { details?: { reason?: string; status?: number } }).details;
      const text = (err as { code?: string }).code === 'CENTRAL_REFUSED' && d?.reason ? t(`admin.central.refused.${d.reason}`, { status: d.status ?? '' }) : errorText(t, err);
      setError({ text, problems: problemsOf(err).map((p) => problemText(t, p)) });
    } finally {
      setBusy(false);
      reloadView();
      reload();
    }
  }
  if (!view) return null;
  const explain = !view.following ? 'explainLocal' : view.canPublish ? 'explainPublisher' : 'explainFollower';
  return (
    <div className="admin-part" data-testid="admin-central-catalogue">
      <h3>{t('admin.central.title')}</h3>
      <p className="hint" data-testid={explain === 'explainFollower' ? 'central-follower' : undefined}>
        {t(`admin.central.${explain}`)}
      </p>
      <p>
        <CatalogueSource view={view} />
      </p>
      {view.lastError && (
        <p className="error" role="status" data-testid="central-last-error">
          {t(`admin.central.lastError.${view.lastError}`)}
        </p>
      )}
      {view.following && (
        <div className="form-buttons start">
          <button type="button" disabled={busy} onClick={() => act(async () => (await window.csu.admin.checkCentralCatalogue(), undefined))}>
            {t('admin.central.check')}
          </button>
          {/* The server decides who may publish; a follower may still try, and reads its refusal. */}
          <button
            type="button"
            className={view.canPublish ? 'primary' : undefined}
            disabled={busy}
            onClick={() =>
              act(async () => {
                const r = await window.csu.admin.publishCatalogue();
                return t(r.unchanged ? 'admin.central.unchanged' : 'admin.central.published', { version: r.version });
              })
            }
          >
            {t('admin.central.publish')}
          </button>
        </div>
      )}
      {done && (
        <p role="status" className="state-ok" data-testid="central-published">
          {done}
        </p>
      )}
      {error && (
        <div data-testid="central-error">
          <ErrorAlert message={error.text} />
          {error.problems.length > 0 && (
            <ul className="error">
              {error.problems.map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
