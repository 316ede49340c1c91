import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';
import { ActiveMark, EditPanel, Field, FormErrors, useSave } from './Form';
import { newId } from './problems';
import type { SectionProps } from './AdminView';

type Bailleur = AdminCatalogueView['bailleurs'][number];

/** Bailleurs: list, create, rename, deactivate (never delete: the journal and the sites refer to them). */
export function BailleursAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const [edit, setEdit] = useState<Bailleur | null>(null);
  const save = useSave();

  async function store(b: Bailleur) {
    if ((await save.run(() => window.csu.admin.saveBailleur(b))) !== undefined) {
      setEdit(null);
      reload();
    }
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (edit) void store({ ...edit, id: edit.id || newId(edit.name, cat.bailleurs.map((b) => b.id)) });
  }

  return (
    <div className="admin-part" data-testid="admin-bailleurs">
      <h3>{t('admin.bailleurs.title')}</h3>
      {/* A refused « Désactiver » / « Réactiver » (no form open) says why here. */}
      {!edit && <FormErrors state={save.state} fields={[]} />}
      <table className="registry">
        <thead>
          <tr>
            <th>{t('admin.bailleurs.name')}</th>
            <th>{t('admin.state')}</th>
            <th>{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {cat.bailleurs.map((b) => (
            <tr key={b.id} className={b.active ? undefined : 'inactive'}>
              <td>{b.name}</td>
              <td>
                <ActiveMark active={b.active} />
              </td>
              <td className="row-actions">
                <button type="button" onClick={() => (save.reset(), setEdit(b))}>
                  {t('admin.edit')}
                </button>
                <button type="button" onClick={() => store({ ...b, active: !b.active })}>
                  {t(b.active ? 'admin.deactivate' : 'admin.reactivate')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!edit && (
        <button type="button" onClick={() => (save.reset(), setEdit({ id: '', name: '', active: true }))}>
          {t('admin.bailleurs.create')}
        </button>
      )}
      {edit && (
        <EditPanel title={t(edit.id ? 'admin.bailleurs.editTitle' : 'admin.bailleurs.create')} onSubmit={submit}>
          <Field name="name" label={t('admin.bailleurs.name')} problems={save.state.problems}>
            <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required maxLength={200} />
          </Field>
          <FormErrors state={save.state} fields={['name']} />
          <div className="form-buttons">
            <button type="button" onClick={() => setEdit(null)}>
              {t('admin.cancel')}
            </button>
            <button type="submit" className="primary" disabled={save.state.busy}>
              {t('admin.save')}
            </button>
          </div>
        </EditPanel>
      )}
    </div>
  );
}
