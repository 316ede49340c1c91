import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';
import { AdminTable, LockableButton, RowActions, rowClass } from './AdminTable';
import { ActiveMark, EditPanel, Field, FormButtons, FormErrors } from './Form';
import { newId } from './problems';
import { useAdminEdit } from './useAdminEdit';
import { BailleursAdmin } from './BailleursAdmin';
import type { SectionProps } from './AdminView';

type Site = AdminCatalogueView['sites'][number];
/** The form keeps addresses as lines and homes as typed text; they become the site's shape on save. */
type SiteForm = Omit<Site, 'addresses' | 'homes'> & { addresses: string; homes: string };
const FIELDS = ['name', 'bailleurId', 'addresses', 'town', 'homes'] as const;

/** « Sites et bailleurs »: the landlords, then their estates (addresses, homes). */
export function SitesAdmin({ cat, reload }: SectionProps) {
  const { t } = useTranslation();
  const { edit, setEdit, save, open: openForm, store, close } = useAdminEdit<SiteForm>(reload);
  const bailleur = (id: string) => cat.bailleurs.find((b) => b.id === id)?.name ?? id;

  const storeSite = (s: Site) => store(() => window.csu.admin.saveSite(s));
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!edit) return;
    const addresses = edit.addresses.split('\n').map((a) => a.trim()).filter(Boolean);
    void storeSite({ ...edit, id: edit.id || newId(edit.name, cat.sites.map((s) => s.id)), addresses, homes: Number(edit.homes) });
  }
  const open = (s: Site) => openForm({ ...s, addresses: s.addresses.join('\n'), homes: String(s.homes) });

  return (
    <>
      <BailleursAdmin cat={cat} reload={reload} />
      <div className="admin-part" data-testid="admin-sites">
        <h3>{t('admin.sites.title')}</h3>
        <AdminTable headers={[t('admin.sites.name'), t('admin.sites.bailleur'), t('admin.sites.addresses'), t('admin.sites.homes'), t('admin.state'), t('admin.actions')]} refused={!edit && save.state}>
          {cat.sites.map((s) => (
            <tr key={s.id} className={rowClass(s.active)}>
              <td>{s.name}</td>
              <td>{bailleur(s.bailleurId)}</td>
              <td>
                {s.addresses.map((a) => (
                  <div key={a}>{a}</div>
                ))}
              </td>
              <td>{s.homes}</td>
              <td>
                <ActiveMark active={s.active} />
              </td>
              <RowActions onEdit={() => open(s)} active={s.active} onToggle={() => void storeSite({ ...s, active: !s.active })} />
            </tr>
          ))}
        </AdminTable>
        {!edit && (
          <LockableButton onClick={() => openForm({ id: '', name: '', bailleurId: cat.bailleurs.find((b) => b.active)?.id ?? '', addresses: '', town: '', homes: '', active: true })}>{t('admin.sites.create')}</LockableButton>
        )}
        {edit && (
          <EditPanel title={t(edit.id ? 'admin.sites.editTitle' : 'admin.sites.create')} onSubmit={submit}>
            <Field name="name" label={t('admin.sites.name')} problems={save.state.problems}>
              <input value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} required maxLength={200} />
            </Field>
            <Field name="bailleurId" label={t('admin.sites.bailleur')} problems={save.state.problems}>
              <select value={edit.bailleurId} onChange={(e) => setEdit({ ...edit, bailleurId: e.target.value })} required>
                <option value="">{t('admin.choose')}</option>
                {cat.bailleurs.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                    {b.active ? '' : ` (${t('admin.inactive')})`}
                  </option>
                ))}
              </select>
            </Field>
            <Field name="addresses" label={t('admin.sites.addresses')} hint={t('admin.sites.addressesHint')} problems={save.state.problems}>
              <textarea rows={3} value={edit.addresses} onChange={(e) => setEdit({ ...edit, addresses: e.target.value })} required />
            </Field>
            <Field name="town" label={t('admin.sites.town')} problems={save.state.problems}>
              <input value={edit.town} onChange={(e) => setEdit({ ...edit, town: e.target.value })} required maxLength={200} />
            </Field>
            <Field name="homes" label={t('admin.sites.homes')} problems={save.state.problems}>
              <input type="number" min={1} max={100000} value={edit.homes} onChange={(e) => setEdit({ ...edit, homes: e.target.value })} required />
            </Field>
            <FormErrors state={save.state} fields={FIELDS} />
            <FormButtons onCancel={close} busy={save.state.busy} />
          </EditPanel>
        )}
      </div>
    </>
  );
}
