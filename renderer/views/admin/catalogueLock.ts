import { createContext, useContext } from 'react';
import type { CentralCatalogueView } from '../../../preload/contract';

/**
 * A console that follows the central catalogue and may not publish: main refuses its catalogue
 * edits and imports (CATALOGUE_CENTRAL), so the screens disable those controls up front instead of
 * letting the administrateur click into a refusal. Camera passwords and password resets stay local.
 */
export const isCatalogueLocked = (central: CentralCatalogueView | undefined): boolean => !!central?.following && !central.canPublish;

/** Provided by AdminView for every section; false (edit as usual) without a central catalogue or on the publishing console. */
export const CatalogueLocked = createContext(false);
export const useCatalogueLocked = () => useContext(CatalogueLocked);
