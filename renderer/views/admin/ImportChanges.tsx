import { useTranslation } from 'react-i18next';
import type { ImportResultView } from '../../../preload/contract';

const ENTITIES = ['bailleur', 'service', 'site', 'camera', 'convention', 'operator'] as const;
const KINDS = ['created', 'updated', 'deactivated'] as const;

/** What an import changes, per entity: ajouts, modifications, désactivations (and which fields changed). */
export function ImportChanges({ changes }: { changes: ImportResultView['changes'] }) {
  const { t } = useTranslation();
  if (changes.length === 0) return <p>{t('admin.import.noChange')}</p>;
  const entities = [...ENTITIES.filter((e) => changes.some((c) => c.entity === e)), ...new Set(changes.map((c) => c.entity).filter((e) => !(ENTITIES as readonly string[]).includes(e)))];
  return (
    <table className="registry" data-testid="import-changes">
      <thead>
        <tr>
          <th>{t('admin.import.entity')}</th>
          {KINDS.map((k) => (
            <th key={k}>{t(`admin.import.kinds.${k}`)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entities.map((e) => (
          <tr key={e} data-entity={e}>
            <th>{t(`admin.import.entities.${e}`, { defaultValue: e })}</th>
            {KINDS.map((k) => {
              const mine = changes.filter((c) => c.entity === e && c.change === k);
              return (
                <td key={k}>
                  {mine.length > 0 && <strong>{mine.length}</strong>}
                  {mine.map((c) => (
                    <div key={c.id} className="hint">
                      {c.id}
                      {k === 'updated' && c.fields.length > 0 ? ` (${c.fields.join(', ')})` : ''}
                    </div>
                  ))}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
