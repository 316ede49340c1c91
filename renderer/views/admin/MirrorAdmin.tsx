import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MirrorTestView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field, FormErrors, useSave } from './Form';
import type { SectionProps } from './AdminView';

/**
 * « Serveur central »: its address and CA file (settings); this console's token, its one-time
 * enrolment code and the registry reader token (secret store). Secrets are write-only: the page
 * only knows whether one is stored.
 */
export function MirrorAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const [url, setUrl] = useState(cat.mirror.serverUrl ?? '');
  const [token, setToken] = useState('');
  const [code, setCode] = useState('');
  const [reader, setReader] = useState('');
  const [caFile, setCaFile] = useState(cat.mirror.caFile ?? '');
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<{ busy: boolean; result?: MirrorTestView; error?: string } | undefined>();
  const save = useSave();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const ca = caFile.trim();
    const r = await save.run(() => window.csu.admin.setMirror({ serverUrl: url.trim(), ...(token ? { token } : {}), ...(code.trim() ? { enrolmentCode: code.trim() } : {}), ...(reader ? { readerToken: reader } : {}), caFile: ca || null }));
    if (r === undefined) return;
    setToken('');
    setCode('');
    setReader('');
    setSaved(true);
    reload();
  }
  async function runTest() {
    setTest({ busy: true });
    try {
      setTest({ busy: false, result: await window.csu.admin.testMirror() });
    } catch (err) {
      setTest({ busy: false, error: errorText(t, err) });
    }
  }

  return (
    <div className="admin-part" data-testid="admin-mirror">
      <h3>{t('admin.mirror.title')}</h3>
      <p className="hint">{t('admin.mirror.explain')}</p>
      <form className="panel admin-form" onSubmit={submit} aria-label={t('admin.mirror.title')}>
        <Field name="serverUrl" label={t('admin.mirror.url')} hint={t('admin.mirror.urlHint')} problems={save.state.problems}>
          <input className="mono" type="url" value={url} onChange={(e) => setUrl(e.target.value)} required maxLength={500} placeholder="https://registre.exemple.fr" />
        </Field>
        <Field name="token" label={t('admin.mirror.token')} hint={t(cat.mirror.hasToken ? 'admin.mirror.tokenStored' : 'admin.mirror.tokenNone')} problems={save.state.problems}>
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} minLength={16} maxLength={500} placeholder={cat.mirror.hasToken ? t('admin.cameras.stored') : ''} />
        </Field>
        <Field name="enrolmentCode" label={t('admin.mirror.enrolmentCode')} hint={t(cat.mirror.hasEnrolmentCode ? 'admin.mirror.enrolmentCodeStored' : 'admin.mirror.enrolmentCodeNone')} problems={save.state.problems}>
          <input type="password" autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} minLength={8} maxLength={64} placeholder={cat.mirror.hasEnrolmentCode ? t('admin.cameras.stored') : ''} />
        </Field>
        <Field name="readerToken" label={t('admin.mirror.readerToken')} hint={t(cat.mirror.hasReaderToken ? 'admin.mirror.readerTokenStored' : 'admin.mirror.readerTokenNone')} problems={save.state.problems}>
          <input type="password" autoComplete="off" value={reader} onChange={(e) => setReader(e.target.value)} minLength={16} maxLength={500} placeholder={cat.mirror.hasReaderToken ? t('admin.cameras.stored') : ''} />
        </Field>
        <Field name="caFile" label={t('admin.mirror.caFile')} hint={t('admin.mirror.caFileHint')} problems={save.state.problems}>
          <input className="mono" type="text" value={caFile} onChange={(e) => setCaFile(e.target.value)} maxLength={1000} placeholder="/etc/csu/ca-interne.pem" />
        </Field>
        <FormErrors state={save.state} fields={['serverUrl', 'token', 'enrolmentCode', 'readerToken', 'caFile']} />
        {saved && (
          <p role="status" className="state-ok">
            {t('admin.mirror.saved')}
          </p>
        )}
        <div className="form-buttons">
          <button type="button" onClick={runTest} disabled={test?.busy}>
            {t('admin.mirror.test')}
          </button>
          <button type="submit" className="primary" disabled={save.state.busy}>
            {t('admin.save')}
          </button>
        </div>
      </form>
      {test?.busy && <p role="status">{t('admin.mirror.testing')}</p>}
      <ErrorAlert message={test?.error} />
      {test?.result && (
        <p className={test.result.ok ? 'panel state-ok' : 'error'} role="status" data-testid="mirror-test">
          {test.result.ok ? t('admin.mirror.ok', { ms: test.result.elapsedMs }) : t(`admin.mirror.errors.${test.result.error ?? 'HTTP_ERROR'}`, { status: test.result.status ?? '' })}
        </p>
      )}
      {test?.result?.reader && (
        <p className={test.result.reader === 'ok' ? 'panel state-ok' : 'error'} role="status" data-testid="mirror-test-reader">
          {t(`admin.mirror.reader.${test.result.reader}`)}
        </p>
      )}
    </div>
  );
}
