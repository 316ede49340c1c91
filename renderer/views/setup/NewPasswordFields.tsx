import { useTranslation } from 'react-i18next';

/**
 * The new password typed twice, with the policy under it: the same fields on the first administrateur's screen and
 * on the temporary password's (main checks the policy again; `policy.ts` only spares a round trip).
 */
export function NewPasswordFields({ name, value, confirm, onValue, onConfirm }: { name: string; value: string; confirm: string; onValue: (v: string) => void; onConfirm: (v: string) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('setup.newPassword')}
        <input name={name} type="password" autoComplete="new-password" value={value} onChange={(e) => onValue(e.target.value)} required />
      </label>
      <label>
        {t('setup.confirmPassword')}
        <input name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => onConfirm(e.target.value)} required />
      </label>
      <p className="hint" data-testid="password-policy">
        {t('setup.policy')}
      </p>
    </>
  );
}
