/** A wall's grid: columns (and rows), tiles per page, pages. Nothing live is ever left out: what does not fit goes on a next page. */
export type LayoutChoice = 'auto' | 1 | 2 | 3 | 4;
export const LAYOUT_CHOICES: LayoutChoice[] = ['auto', 1, 2, 3, 4];

export interface Layout {
  cols: number;
  perPage: number;
  pages: number;
}

/** Automatic: 1, 2×2, 3×3, 4×4 by count, then pages of 4×4. Chosen: that grid, then pages. */
export function layoutFor(count: number, choice: LayoutChoice): Layout {
  const cols = choice === 'auto' ? (count <= 1 ? 1 : count <= 4 ? 2 : count <= 9 ? 3 : 4) : choice;
  const perPage = cols * cols;
  return { cols, perPage, pages: Math.max(1, Math.ceil(count / perPage)) };
}

/** Rows actually needed on a page (2 tiles on 2×2 take one row: bigger pictures). */
export function rowsFor(onPage: number, cols: number): number {
  return Math.max(1, Math.ceil(onPage / cols));
}
