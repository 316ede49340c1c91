import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportResultView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ImportChanges } from './ImportChanges';
import { TemporaryPasswords } from './TemporaryPasswords';
import { useCatalogueLocked } from './catalogueLock';
import { problemText } from './problems';

/** The contract refuses a larger text (admin.importCatalogue); the page says so before sending anything. */
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * « Import / export »: the catalogue as a file (issue G2). A check applies nothing; an import is
 * all-or-nothing. The export holds no secret. It is shown in the page rather than downloaded:
 * the Electron window refuses every download (main/window.ts), and the text copies as well.
 */
export function ImportExportAdmin({ reload }: { reload: () => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<{ name: string; text: string } | undefined>();
  const [result, setResult] = useState<ImportResultView | undefined>();
  const [temporary, setTemporary] = useState<{ matricule: string; password: string }[]>([]);
  const [exported, setExported] = useState<string | undefined>();
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  // A follower may still check a file and export; applying one is the publishing console's (CATALOGUE_CENTRAL).
  const locked = useCatalogueLocked();

  async function choose(f: File | undefined) {
    setResult(undefined);
    setError(undefined);
    setFile(undefined);
    if (!f) return;
    if (f.size > MAX_BYTES) return setError(t('admin.import.tooLarge', { size: (f.size / 1024 / 1024).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) }));
    setFile({ name: f.name, text: await f.text() });
  }
  async function send(dryRun: boolean) {
    if (!file || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await window.csu.admin.importCatalogue({ text: file.text, dryRun });
      setResult(r);
      if (r.applied) {
        setTemporary(r.temporaryPasswords);
        reload();
      }
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }
  async function exportFile() {
    setError(undefined);
    setCopied(false);
    try {
      setExported((await window.csu.admin.exportCatalogue()).text);
    } catch (err) {
      setError(errorText(t, err));
    }
  }
  async function copy() {
    area.current?.select();
    // execCommand needs no clipboard permission (the Electron window denies every permission request).
    const ok = document.execCommand('copy') || (await navigator.clipboard?.writeText(exported ?? '').then(() => true, () => false));
    setCopied(!!ok);
  }

  const checked = result && !result.applied && result.problems.length === 0;
  return (
    <div className="admin-part" data-testid="admin-import">
      <h3>{t('admin.import.title')}</h3>
      <p className="hint">{t('admin.import.explain')}</p>
      <div className="field">
        <label>
          <span>{t('admin.import.file')}</span>
          <input type="file" accept=".json,application/json" onChange={(e) => void choose(e.target.files?.[0])} />
        </label>
      </div>
      <div className="form-buttons start">
        <button type="button" onClick={() => send(true)} disabled={!file || busy}>
          {t('admin.import.check')}
        </button>
        <button type="button" className={locked ? 'primary locked' : 'primary'} onClick={() => send(false)} disabled={locked || !checked || busy} title={locked ? t('admin.central.lockedTitle') : checked ? undefined : t('admin.import.checkFirst')}>
          {t('admin.import.apply')}
        </button>
      </div>
      <ErrorAlert message={error} />
      {/* Above the changes: the one thing on this page that cannot be read again. */}
      <TemporaryPasswords list={temporary} onClose={() => setTemporary([])} />
      {result && result.problems.length > 0 && (
        <div className="error" role="alert" data-testid="import-problems">
          <p>{t('admin.import.problems', { count: result.problems.length })}</p>
          <ul>
            {result.problems.map((p, i) => (
              <li key={i} className="mono-path">
                {problemText(t, p)}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result && result.problems.length === 0 && (
        <div className="panel" role="status" data-testid={result.applied ? 'import-applied' : 'import-checked'}>
          <p>
            <strong>{result.applied ? t('admin.import.applied', { version: result.version }) : t('admin.import.checked')}</strong>
          </p>
          <ImportChanges changes={result.changes} />
        </div>
      )}

      <h3>{t('admin.export.title')}</h3>
      <p className="hint">{t('admin.export.explain')}</p>
      <button type="button" onClick={exportFile}>
        {t('admin.export.button')}
      </button>
      {exported !== undefined && (
        <div className="field export">
          <label>
            <span>{t('admin.export.content')}</span>
            <textarea ref={area} readOnly rows={14} value={exported} className="mono" data-testid="export-text" />
          </label>
          <div className="form-buttons start">
            <button type="button" onClick={copy}>
              {t('admin.export.copy')}
            </button>
            {copied && <span role="status">{t('admin.export.copied')}</span>}
          </div>
        </div>
      )}
    </div>
  );
}
