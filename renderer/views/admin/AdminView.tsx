import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AdminCatalogueView, OperatorView } from '../../../preload/contract';
import { errorText } from '../../i18n';
import { ErrorAlert } from '../../components/ErrorAlert';
import { CamerasAdmin } from './CamerasAdmin';
import { CatalogueLockNotice, CatalogueSource, CentralCatalogueAdmin, useCentralCatalogue } from './CentralCatalogueAdmin';
import { CatalogueLocked, isCatalogueLocked } from './catalogueLock';
import { ConventionsAdmin } from './ConventionsAdmin';
import { ImportExportAdmin } from './ImportExportAdmin';
import { MirrorAdmin } from './MirrorAdmin';
import { OperatorsAdmin } from './OperatorsAdmin';
import { ServicesAdmin } from './ServicesAdmin';
import { SitesAdmin } from './SitesAdmin';

const SECTIONS = ['sites', 'cameras', 'conventions', 'services', 'operators', 'import', 'mirror'] as const;
type Section = (typeof SECTIONS)[number];

/** What every section gets: the catalogue as main has it, and a way to read it again after a change. */
export interface SectionProps {
  cat: AdminCatalogueView;
  reload: () => void;
}

/** « Administration »: the administrateur provisions the console (issue G2); main enforces the role on every call. */
export function AdminView({ operator, onChanged }: { operator: OperatorView; onChanged?: () => void }) {
  const { t } = useTranslation();
  const [section, setSection] = useState<Section>('sites');
  const [cat, setCat] = useState<AdminCatalogueView | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [central, reloadCentral] = useCentralCatalogue();
  const reload = useCallback(() => {
    reloadCentral();
    window.csu.admin.catalogue().then(
      (c) => (setCat(c), setError(undefined), onChanged?.()),
      (e: unknown) => setError(errorText(t, e)),
    );
  }, [t, onChanged, reloadCentral]);
  useEffect(reload, [reload]);
  const locked = isCatalogueLocked(central);

  return (
    <section aria-labelledby="title-admin" className="admin">
      <div className="admin-head">
        <h2 id="title-admin">{t('admin.title')}</h2>
        {cat && (
          <span className="hint" data-testid="catalogue-version">
            {/* A follower's own counter differs from the central version number: named apart so the two are not confused. */}
            {central?.following ? t('admin.central.localRevision', { version: cat.version }) : t('admin.version', { version: cat.version })}
          </span>
        )}
        {central && <CatalogueSource view={central} />}
      </div>
      <nav aria-label={t('admin.sectionsLabel')}>
        <ul className="subnav">
          {SECTIONS.map((s) => (
            <li key={s}>
              <button type="button" className={section === s ? 'nav-item active' : 'nav-item'} aria-current={section === s ? 'page' : undefined} onClick={() => setSection(s)}>
                {t(`admin.sections.${s}`)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <ErrorAlert message={error} />
      {/* « Serveur central » stays this console's own: its section explains following in its own words. */}
      {central && locked && section !== 'mirror' && <CatalogueLockNotice view={central} section={section} />}
      {!cat && !error && <p>{t('views.about.loading')}</p>}
      {cat && (
        <CatalogueLocked.Provider value={locked}>
          <div className="admin-body">
            {section === 'sites' && <SitesAdmin cat={cat} reload={reload} />}
            {section === 'cameras' && <CamerasAdmin cat={cat} reload={reload} />}
            {section === 'conventions' && <ConventionsAdmin cat={cat} reload={reload} />}
            {section === 'services' && <ServicesAdmin cat={cat} reload={reload} />}
            {section === 'operators' && <OperatorsAdmin cat={cat} reload={reload} self={operator.matricule} />}
            {section === 'import' && <ImportExportAdmin reload={reload} />}
            {section === 'mirror' && <MirrorAdmin cat={cat} reload={reload} />}
            {section === 'mirror' && <CentralCatalogueAdmin reload={reload} />}
          </div>
        </CatalogueLocked.Provider>
      )}
    </section>
  );
}
