import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrors, type SaveState } from './Form';

/** A row's class: a deactivated entity stays listed (the journal refers to it), greyed out. */
export const rowClass = (active: boolean) => (active ? undefined : 'inactive');

/**
 * A section's list. `refused` is the state of a save made from the list itself (« Désactiver »,
 * « Réactiver »): with no form open, its refusal has nowhere else to be said.
 */
export function AdminTable({ headers, refused, children }: { headers: readonly string[]; refused?: SaveState | false; children: ReactNode }) {
  return (
    <>
      {refused && <FormErrors state={refused} fields={[]} />}
      <table className="registry">
        <thead>
          <tr>
            {headers.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </>
  );
}

/**
 * The last cell of a row: « Modifier », the section's own actions, then « Désactiver » /
 * « Réactiver » when the row may be toggled (entities are never deleted, only deactivated).
 */
export function RowActions({ onEdit, active, onToggle, children }: { onEdit: () => void; active?: boolean; onToggle?: (() => void) | undefined; children?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <td className="row-actions">
      <button type="button" onClick={onEdit}>
        {t('admin.edit')}
      </button>
      {children}
      {onToggle && (
        <button type="button" onClick={onToggle}>
          {t(active ? 'admin.deactivate' : 'admin.reactivate')}
        </button>
      )}
    </td>
  );
}
