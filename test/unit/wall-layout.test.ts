import { layoutFor, rowsFor } from '../../renderer/views/wall-layout';

describe('wall layout never hides a live camera', () => {
  test('automatic by count: 1, 2×2, 3×3, 4×4, then pages of 16', () => {
    expect(layoutFor(1, 'auto')).toEqual({ cols: 1, perPage: 1, pages: 1 });
    expect(layoutFor(3, 'auto')).toEqual({ cols: 2, perPage: 4, pages: 1 });
    expect(layoutFor(9, 'auto')).toEqual({ cols: 3, perPage: 9, pages: 1 });
    expect(layoutFor(16, 'auto')).toEqual({ cols: 4, perPage: 16, pages: 1 });
    expect(layoutFor(40, 'auto')).toEqual({ cols: 4, perPage: 16, pages: 3 });
  });
  test('a chosen grid smaller than the count pages the rest: 10 cameras on 2×2 are 3 pages', () => {
    expect(layoutFor(10, 2)).toEqual({ cols: 2, perPage: 4, pages: 3 });
    for (let n = 0; n <= 40; n++) for (const c of ['auto', 1, 2, 3, 4] as const) {
      const l = layoutFor(n, c);
      expect(l.pages * l.perPage).toBeGreaterThanOrEqual(n);
    }
  });
  test('rows: only what the page needs', () => {
    expect(rowsFor(2, 2)).toBe(1);
    expect(rowsFor(4, 2)).toBe(2);
    expect(rowsFor(16, 4)).toBe(4);
  });
});
