import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';
import { ActiveMark, EditPanel, Field, FormErrors, useSave } from './Form';
import { newId } from './problems';
import type { SectionProps } from './AdminView';

type Service = AdminCatalogueView['services'][number];
/** The contract's service kinds (preload/vocabulary is not the renderer's to import; typed against the contract, a kind it drops fails to compile). */
const SERVICE_KINDS: readonly Service['kind'][] = ['police_municipale', 'police_nationale'];

/** « Services réceptionnaires »: who may receive the images (the registry says which one did). */
export function ServicesAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const [edit, setEdit] = useState<Service | null>(null);
  const save = useSave();

  async function store(s: Service) {
    if ((await save.run(() => window.csu.admin.saveService(s))) !== undefined) {
      setEdit(null);
      reload();
    }
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (edit) void store({ ...edit, id: edit.id || newId(edit.name, cat.services.map((s) => s.id)) });
  }

  return (
    <div className="admin-part" data-testid="admin-services">
      <h3>{t('admin.services.title')}</h3>
      {/* A refused « Désactiver » / « Réactiver » (no form open) says why here. */}
      {!edit && <FormErrors state={save.state} fields={[]} />}
      <table className="registry">
        <thead>
          <tr>
            <th>{t('admin.services.name')}</th>
            <th>{t('admin.services.kind')}</th>
            <th>{t('admin.state')}</th>
            <th>{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {cat.services.map((s) => (
            <tr key={s.id} className={s.active ? undefined : 'inactive'}>
              <td>{s.name}</td>
              <td>{t(`admin.services.kinds.${s.kind}`)}</td>
              <td>
                <ActiveMark active={s.active} />
              </td>
              <td className="row-actions">
                <button type="button" onClick={() => (save.reset(), setEdit(s))}>
                  {t('admin.edit')}
                </button>
                <button type="button" onClick={() => store({ ...s, active: !s.active })}>
                  {t(s.active ? 'admin.deactivate' : 'admin.reactivate')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!edit && (
        <button type="button" onClick={() => (save.reset(), setEdit({ id: '', name: '', kind: 'police_municipale', active: true }))}>
          {t('admin.services.create')}
        </button>
      )}
      {edit && (
        <EditPanel title={t(edit.id ? 'admin.services.editTitle' : 'admin.services.create')} onSubmit={submit}>
          <Field name="name" label={t('admin.services.name')} problems={save.state.problems}>
            <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required maxLength={200} />
          </Field>
          <Field name="kind" label={t('admin.services.kind')} problems={save.state.problems}>
            <select value={edit.kind} onChange={(e) => setEdit({ ...edit, kind: e.target.value as Service['kind'] })}>
              {SERVICE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`admin.services.kinds.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <FormErrors state={save.state} fields={['name', 'kind']} />
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
