/**
 * The catalogue's vocabulary, re-exported from the one zod-only module every layer shares
 * (preload/vocabulary.ts), plus the convention's default bounds.
 */
export { MOTIVES, ZONES, SERVICE_KINDS, ROLES, type Motive, type Zone, type Role } from '../preload/vocabulary';

/** The convention caps a request between 2 h and 12 h (DOMAIN.md); a site's convention may narrow it. */
export const DEFAULT_MIN_DURATION_MIN = 120;
export const DEFAULT_MAX_DURATION_MIN = 720;
