import { useTranslation } from 'react-i18next';

/** A screen a later version fills. It says so plainly rather than pretend. */
export function NotYetView({ view }: { view: 'review' }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby={`title-${view}`}>
      <h2 id={`title-${view}`}>{t(`views.${view}.title`)}</h2>
      <p className="notice" role="status">
        {t(`views.${view}.notYet`)}
      </p>
    </section>
  );
}
