import i18next, { type TFunction } from 'i18next';
import fr from '../assets/locales/fr.json';
import en from '../assets/locales/en.json';

/**
 * Main shows a few messages itself (a settings file it cannot read, a database it refuses
 * to open) before any window exists. They come from the renderer's locale files so the
 * French wording lives in one place.
 */
let t: TFunction | undefined;

export function mainT(): TFunction {
  if (!t) {
    const instance = i18next.createInstance();
    void instance.init({
      lng: 'fr',
      fallbackLng: 'fr',
      initAsync: false,
      resources: { fr: { translation: fr }, en: { translation: en } },
      interpolation: { escapeValue: false },
    });
    t = instance.t.bind(instance);
  }
  return t;
}
