import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AboutView } from './views/AboutView';
import { NotYetView } from './views/NotYetView';

export type ViewId = 'wall' | 'request' | 'registry' | 'review' | 'about';
const NAV: ViewId[] = ['wall', 'request', 'registry', 'review', 'about'];

export function App() {
  const { t } = useTranslation();
  const [view, setView] = useState<ViewId>('wall');
  return (
    <div className="shell">
      <header className="header">
        <div className="brand">
          <h1>{t('app.name')}</h1>
          <span className="subtitle">{t('app.subtitle')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav">
            {NAV.map((id) => (
              <li key={id}>
                <button
                  type="button"
                  className={view === id ? 'nav-item active' : 'nav-item'}
                  aria-current={view === id ? 'page' : undefined}
                  onClick={() => setView(id)}
                >
                  {t(`nav.${id}`)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main className="content">{view === 'about' ? <AboutView /> : <NotYetView view={view} />}</main>
    </div>
  );
}
