import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from '../../assets/locales/en.json';
import fr from '../../assets/locales/fr.json';

/** French is the console's language and the fallback for any missing English key. */
export function initI18n(lng: 'fr' | 'en' = 'fr') {
  void i18next.use(initReactI18next).init({
    lng,
    fallbackLng: 'fr',
    initAsync: false,
    resources: { fr: { translation: fr }, en: { translation: en } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return i18next;
}

export function errorText(t: (key: string, opts?: Record<string, unknown>) => string, err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : 'INTERNAL';
  const key = `errors.${code}`;
  const text = t(key);
  return text === key ? t('errors.generic', { code }) : text;
}
