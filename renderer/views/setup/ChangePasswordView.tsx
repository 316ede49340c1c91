import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperatorView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { NewPasswordFields } from './NewPasswordFields';
import { passwordFormProblem } from './policy';

/**
 * After a login with a temporary password, nothing else: main refuses every other call
 * (PASSWORD_CHANGE_REQUIRED) until the operator has chosen their own password.
 */
export function ChangePasswordView({ operator, onChanged }: { operator: OperatorView; onChanged: (op: OperatorView) => void }) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const problem = passwordFormProblem(next, confirm, operator.matricule) ?? (next === current ? 'setup.unchanged' : undefined);
    if (problem) return setError(t(problem));
    setBusy(true);
    setError(undefined);
    try {
      onChanged(await window.csu.session.changePassword({ current, next }));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="login" aria-labelledby="change-password-title">
      <form onSubmit={submit} className="panel">
        <h2 id="change-password-title">{t('setup.change.title')}</h2>
        <p className="hint">{t('setup.change.intro')}</p>
        <label>
          {t('setup.change.current')}
          <input name="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoFocus />
        </label>
        <NewPasswordFields name="next" value={next} confirm={confirm} onValue={setNext} onConfirm={setConfirm} />
        <ErrorAlert message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('setup.change.submit')}
        </button>
      </form>
    </section>
  );
}
