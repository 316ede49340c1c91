import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperatorView } from '../../preload/contract';
import { errorText } from '../i18n';
import { formatTime } from '../format';
import { ErrorAlert } from '../components/ErrorAlert';

export function LoginView({ onLogin }: { onLogin: (op: OperatorView) => void }) {
  const { t } = useTranslation();
  const [matricule, setMatricule] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await window.csu.session.login({ matricule: matricule.trim(), password }));
    } catch (err) {
      const until = (err as { details?: { lockedUntil?: number } }).details?.lockedUntil;
      setError(until ? t('login.lockedUntil', { time: formatTime(until) }) : errorText(t, err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="login" aria-labelledby="login-title">
      <form onSubmit={submit} className="panel">
        <h2 id="login-title">{t('login.title')}</h2>
        <label>
          {t('login.matricule')}
          <input name="matricule" autoComplete="username" value={matricule} onChange={(e) => setMatricule(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <ErrorAlert message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
        <p className="hint">{t('login.hint')}</p>
      </form>
    </section>
  );
}
