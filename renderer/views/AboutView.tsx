import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../preload/contract';
import { errorText } from '../i18n';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../components/ErrorAlert';

export function AboutView() {
  const { t } = useTranslation();
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    window.csu.app.info().then(setInfo, (err: unknown) => setError(errorText(t, err)));
  }, [t]);
  return (
    <section aria-labelledby="title-about">
      <h2 id="title-about">{t('views.about.title')}</h2>
      <ErrorAlert message={error} />
      {!info && !error && <p>{t('views.about.loading')}</p>}
      {info && (
        <dl className="facts">
          <dt>{t('views.about.version')}</dt>
          <dd data-testid="about-version">{info.version}</dd>
          <dt>{t('views.about.catalogueVersion')}</dt>
          <dd data-testid="about-catalogue-version">{info.catalogueVersion}</dd>
          <dt>{t('views.about.mode')}</dt>
          <dd>{t(`views.about.modes.${info.mode}`)}</dd>
          <dt>{t('views.about.consoleId')}</dt>
          <dd>{info.consoleId}</dd>
          <dt>{t('views.about.buildTime')}</dt>
          <dd>{formatDateTime(Date.parse(info.buildTime))}</dd>
          <dt>{t('views.about.shell')}</dt>
          <dd>{t(`views.about.shells.${info.shell}`)}</dd>
        </dl>
      )}
    </section>
  );
}
