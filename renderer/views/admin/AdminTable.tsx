import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FormErrors, type SaveState } from './Form';
import { useCatalogueLocked } from './catalogueLock';

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
 * On a follower that may not publish, « Modifier » and the toggle stay visible but disabled, unless
 * the row keeps something of this console's own to edit: then `localEdit` names that button instead.
 */
export function RowActions({ onEdit, active, onToggle, localEdit, children }: { onEdit: () => void; active?: boolean; onToggle?: (() => void) | undefined; localEdit?: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const locked = useCatalogueLocked();
  return (
    <td className="row-actions">
      {locked && localEdit ? (
        <button type="button" onClick={onEdit}>
          {localEdit}
        </button>
      ) : (
        <LockableButton onClick={onEdit}>{t('admin.edit')}</LockableButton>
      )}
      {children}
      {onToggle && <LockableButton onClick={onToggle}>{t(active ? 'admin.deactivate' : 'admin.reactivate')}</LockableButton>}
    </td>
  );
}

/** A button that edits the catalogue: disabled, with the reason on hover, where main would refuse it (CATALOGUE_CENTRAL). */
export function LockableButton({ onClick, disabled = false, className, children }: { onClick: () => void; disabled?: boolean; className?: string; children: ReactNode }) {
  const { t } = useTranslation();
  const locked = useCatalogueLocked();
  return (
    <button type="button" onClick={onClick} disabled={locked || disabled} className={locked ? `${className ?? ''} locked`.trim() : className} title={locked ? t('admin.central.lockedTitle') : undefined}>
      {children}
    </button>
  );
}
