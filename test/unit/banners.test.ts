import { addBanner, groupBanners, INFO_TTL_MS, withoutExpired, type Banner } from '../../renderer/banners';

const base = { site: 'Résidence du Tripode', cameras: ['Hall A'], service: 'Police municipale', endsAt: 0, shownAt: 0 };

describe('banners: one per grant and event, grouped, information leaves', () => {
  test('a later warning replaces the earlier one; the end replaces the warning', () => {
    let l: Banner[] = [];
    l = addBanner(l, { ...base, grantId: 'g1', kind: 'warning' });
    l = addBanner(l, { ...base, grantId: 'g1', kind: 'warning' });
    expect(l).toHaveLength(1);
    l = addBanner(l, { ...base, grantId: 'g1', kind: 'ended', reason: 'expired' });
    expect(l.map((b) => b.kind)).toEqual(['ended']);
  });
  test('four stops read as one line; they leave after 10 s', () => {
    let l: Banner[] = [];
    for (const g of ['a', 'b', 'c', 'd']) l = addBanner(l, { ...base, grantId: g, kind: 'ended', reason: 'stopped_by_operator' });
    l = addBanner(l, { ...base, grantId: 'e', kind: 'warning' });
    const groups = groupBanners(l);
    expect(groups.map((g) => [g.kind, g.items.length])).toEqual([['ended', 4], ['warning', 1]]);
    expect(withoutExpired(l, INFO_TTL_MS - 1)).toHaveLength(5);
    expect(withoutExpired(l, INFO_TTL_MS).map((b) => b.kind)).toEqual(['warning']);
  });
});
