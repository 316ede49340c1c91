import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperatorView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewPasswordFields } from './NewPasswordFields';
import { passwordFormProblem } from './policy';

/**
 * The only screen of a production console with no operator yet (issue G2): the first
 * administrateur, who is then logged in. Main refuses it (SETUP_DONE) once anyone exists.
 */
export function FirstAdminView({ onCreated, onSetupDone }: { onCreated: (op: OperatorView) => void; onSetupDone: (message: string) => void }) {
  const { t } = useTranslation();
  const [matricule, setMatricule] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const problem = passwordFormProblem(password, confirm, matricule);
    if (problem) return setError(t(problem));
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await window.csu.session.createFirstAdmin({ matricule: matricule.trim(), name: name.trim(), password }));
    } catch (err) {
      // Someone else (another window, `npm run admin -- create-admin`) was first: log in instead.
      if ((err as { code?: string }).code === 'SETUP_DONE') return onSetupDone(errorText(t, err));
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="login" aria-labelledby="first-admin-title">
      <form onSubmit={submit} className="panel">
        <h2 id="first-admin-title">{t('setup.firstAdmin.title')}</h2>
        <p className="hint">{t('setup.firstAdmin.intro')}</p>
        <label>
          {t('login.matricule')}
          <input name="matricule" autoComplete="username" value={matricule} onChange={(e) => setMatricule(e.target.value)} required pattern="[A-Za-z0-9_\-]{1,32}" title={t('setup.matriculeFormat')} autoFocus />
        </label>
        <label>
          {t('setup.firstAdmin.name')}
          <input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <NewPasswordFields name="password" value={password} confirm={confirm} onValue={setPassword} onConfirm={setConfirm} />
        <ErrorAlert message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('setup.firstAdmin.submit')}
        </button>
      </form>
    </section>
  );
}
