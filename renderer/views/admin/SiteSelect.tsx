import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView } from '../../../preload/contract';

/** The site a camera or a convention belongs to; « Choisir… » first, so none is picked by accident. */
export function SiteSelect({ sites, value, onChange, disabled }: { sites: AdminCatalogueView['sites']; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  return (
    <select value={value} onChange={(e) => onChange(e.target.value)} required disabled={disabled}>
      <option value="">{t('admin.choose')}</option>
      {sites.map((s) => (
        <option key={s.id} value={s.id}>
          {s.name}
        </option>
      ))}
    </select>
  );
}
