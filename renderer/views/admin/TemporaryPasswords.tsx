import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * New temporary passwords, shown once: main keeps only their hash, so this box is the only place
 * they can be read. The administrateur hands each over; it must be changed at the first login.
 */
export function TemporaryPasswords({ list, onClose }: { list: { matricule: string; password: string }[]; onClose: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [list]);
  if (list.length === 0) return null;
  return (
    <div ref={ref} className="panel temp-passwords" role="status" data-testid="temporary-passwords">
      <h4>{t('admin.temporary.title', { count: list.length })}</h4>
      <p>{t('admin.temporary.explain')}</p>
      <table className="registry">
        <tbody>
          {list.map((p) => (
            <tr key={p.matricule} data-testid="temporary-password" data-matricule={p.matricule}>
              <th>{p.matricule}</th>
              <td className="mono secret" data-testid="temporary-password-value">
                {p.password}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="warn">{t('admin.temporary.once', { count: list.length })}</p>
      <button type="button" onClick={onClose}>
        {t('admin.temporary.close')}
      </button>
    </div>
  );
}
