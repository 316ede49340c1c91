/**
 * The six motives that may justify opening a flow (DOMAIN.md, « The rule »), as stable codes.
 * Their French wording lives in the renderer's fr.json under `motives.`.
 */
export const MOTIVES = [
  'atteintes_integrite_physique',
  'vols',
  'degradations',
  'attroupements',
  'occupations_abusives',
  'intervention_police',
] as const;
export type Motive = (typeof MOTIVES)[number];

export const ZONES = ['hall', 'parking', 'sous_sol', 'parties_communes'] as const;
export type Zone = (typeof ZONES)[number];

export const SERVICE_KINDS = ['police_municipale', 'police_nationale'] as const;
export const ROLES = ['operateur', 'superviseur', 'administrateur'] as const;
export type Role = (typeof ROLES)[number];

/** The convention caps a request between 2 h and 12 h (DOMAIN.md); a site's convention may narrow it. */
export const DEFAULT_MIN_DURATION_MIN = 120;
export const DEFAULT_MAX_DURATION_MIN = 720;
