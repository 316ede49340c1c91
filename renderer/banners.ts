import type { EndReason } from '../preload/contract';

/** One banner per grant and event: a later warning for a grant replaces its earlier one; its end replaces both. */
export interface Banner {
  key: string;
  grantId: string;
  kind: 'warning' | 'ended';
  reason?: EndReason;
  site: string;
  cameras: string[];
  /** The receiving service: two grants of the same cameras to two services are two banners that must read apart. */
  service: string;
  endsAt: number;
  /** When it appeared (performance.now()): information banners leave by themselves. */
  shownAt: number;
}

/** Information banners (a transmission ended) leave after this long; warnings stay until the end or a click. */
export const INFO_TTL_MS = 10000;

export function addBanner(list: Banner[], b: Omit<Banner, 'key'>): Banner[] {
  const key = `${b.grantId}:${b.kind}`;
  const rest = list.filter((x) => x.grantId !== b.grantId || (b.kind === 'warning' && x.kind === 'ended'));
  return [...rest, { ...b, key }];
}

export function withoutExpired(list: Banner[], now: number): Banner[] {
  const kept = list.filter((b) => b.kind !== 'ended' || now - b.shownAt < INFO_TTL_MS);
  return kept.length === list.length ? list : kept;
}

/** Ended banners of the same reason read as one line naming each site and its cameras. */
export function groupBanners(list: Banner[]): { key: string; kind: Banner['kind']; reason?: EndReason; items: Banner[] }[] {
  const out: { key: string; kind: Banner['kind']; reason?: EndReason; items: Banner[] }[] = [];
  for (const b of list) {
    const group = b.kind === 'ended' ? out.find((g) => g.kind === 'ended' && g.reason === b.reason) : undefined;
    if (group) group.items.push(b);
    else out.push({ key: b.kind === 'ended' ? `ended:${b.reason}` : b.key, kind: b.kind, reason: b.reason, items: [b] });
  }
  return out;
}
