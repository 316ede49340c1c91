import type { TFunction } from 'i18next';
import { formatDay } from '../../format';

export interface Problem {
  path: string;
  code: string;
  params?: Record<string, string | number> | undefined;
}

/** « sites[1].cameras[0].zone : valeur inconnue « garage » », from `importErrors.<code>`. */
export function problemText(t: TFunction, p: Problem): string {
  return `${p.path} : ${problemMessage(t, p)}`;
}

/** The French text of one problem; a date among its parameters reads « 25 novembre 2027 », not 2027-11-25. */
export function problemMessage(t: TFunction, p: Problem): string {
  const params = Object.fromEntries(Object.entries(p.params ?? {}).map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? formatDay(v) : v]));
  return t(`importErrors.${p.code}`, params);
}

/** The field a problem belongs to: the last segment of its path, without an index (`sites[0].addresses[1]` → `addresses`). */
export function fieldOf(path: string): string {
  return (path.split('.').pop() ?? path).replace(/\[\d+\]$/, '');
}

/** The problems of a CATALOGUE_INVALID refusal (`details.problems`), or none. */
export function problemsOf(err: unknown): Problem[] {
  const d = typeof err === 'object' && err !== null && 'details' in err ? (err as { details?: { problems?: unknown } }).details : undefined;
  return Array.isArray(d?.problems) ? (d.problems as Problem[]) : [];
}

/**
 * A catalogue identifier from a name, for a new entity (the file format's ids are technical and
 * never change); suffixed when taken, so a new entity never overwrites an existing one.
 */
export function newId(name: string, taken: readonly string[], prefix = ''): string {
  const base = `${prefix}${name}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'element';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}
