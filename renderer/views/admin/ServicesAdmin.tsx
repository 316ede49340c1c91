import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';
import { AdminTable, LockableButton, RowActions, rowClass } from './AdminTable';
import { ActiveMark, EditPanel, Field, FormButtons, FormErrors } from './Form';
import { newId } from './problems';
import { useAdminEdit } from './useAdminEdit';
import type { SectionProps } from './AdminView';

type Service = AdminCatalogueView['services'][number];
/** The contract's service kinds (preload/vocabulary is not the renderer's to import; typed against the contract, a kind it drops fails to compile). */
const SERVICE_KINDS: readonly Service['kind'][] = ['police_municipale', 'police_nationale'];

/** « Services réceptionnaires »: who may receive the images (the registry says which one did). */
export function ServicesAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open, store, close } = useAdminEdit<Service>(reload);

  const storeService = (s: Service) => store(() => window.csu.admin.saveService(s));
  function submit(e: FormEvent) {
    e.preventDefault();
    if (edit) void storeService({ ...edit, id: edit.id || newId(edit.name, cat.services.map((s) => s.id)) });
  }

  return (
    <div className="admin-part" data-testid="admin-services">
      <h3>{t('admin.services.title')}</h3>
      <AdminTable headers={[t('admin.services.name'), t('admin.services.kind'), t('admin.state'), t('admin.actions')]} refused={!edit && save.state}>
        {cat.services.map((s) => (
          <tr key={s.id} className={rowClass(s.active)}>
            <td>{s.name}</td>
            <td>{t(`admin.services.kinds.${s.kind}`)}</td>
            <td>
              <ActiveMark active={s.active} />
            </td>
            <RowActions onEdit={() => open(s)} active={s.active} onToggle={() => void storeService({ ...s, active: !s.active })} />
          </tr>
        ))}
      </AdminTable>
      {!edit && (
        <LockableButton onClick={() => open({ id: '', name: '', kind: 'police_municipale', active: true })}>{t('admin.services.create')}</LockableButton>
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
          <FormButtons onCancel={close} busy={save.state.busy} />
        </EditPanel>
      )}
    </div>
  );
}
