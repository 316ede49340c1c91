import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';
import { AdminTable, LockableButton, RowActions, rowClass } from './AdminTable';
import { ActiveMark, EditPanel, Field, FormButtons, FormErrors } from './Form';
import { newId } from './problems';
import { useAdminEdit } from './useAdminEdit';
import type { SectionProps } from './AdminView';

type Bailleur = AdminCatalogueView['bailleurs'][number];

/** Bailleurs: list, create, rename, deactivate (never delete: the journal and the sites refer to them). */
export function BailleursAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open, store, close } = useAdminEdit<Bailleur>(reload);

  const storeBailleur = (b: Bailleur) => store(() => window.csu.admin.saveBailleur(b));
  function submit(e: FormEvent) {
    e.preventDefault();
    if (edit) void storeBailleur({ ...edit, id: edit.id || newId(edit.name, cat.bailleurs.map((b) => b.id)) });
  }

  return (
    <div className="admin-part" data-testid="admin-bailleurs">
      <h3>{t('admin.bailleurs.title')}</h3>
      <AdminTable headers={[t('admin.bailleurs.name'), t('admin.state'), t('admin.actions')]} refused={!edit && save.state}>
        {cat.bailleurs.map((b) => (
          <tr key={b.id} className={rowClass(b.active)}>
            <td>{b.name}</td>
            <td>
              <ActiveMark active={b.active} />
            </td>
            <RowActions onEdit={() => open(b)} active={b.active} onToggle={() => void storeBailleur({ ...b, active: !b.active })} />
          </tr>
        ))}
      </AdminTable>
      {!edit && (
        <LockableButton onClick={() => open({ id: '', name: '', active: true })}>{t('admin.bailleurs.create')}</LockableButton>
      )}
      {edit && (
        <EditPanel title={t(edit.id ? 'admin.bailleurs.editTitle' : 'admin.bailleurs.create')} onSubmit={submit}>
          <Field name="name" label={t('admin.bailleurs.name')} problems={save.state.problems}>
            <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required maxLength={200} />
          </Field>
          <FormErrors state={save.state} fields={['name']} />
          <FormButtons onCancel={close} busy={save.state.busy} />
        </EditPanel>
      )}
    </div>
  );
}
