/**
 * Labels inside zones on a plan, laid out from measured text so that they never overlap each other
 * and never spill out of their zone: lines are stacked one under the other, the main figure shrinks
 * to fit, a name is shortened with "…", and a line that cannot fit at its smallest size is left out
 * (the list beside the plan has every figure). A name with no room above its figure may still go on
 * the figure's own line ("Checkout queue · 754"), so that a low, wide zone does not show a bare number.
 * A name that may wrap (`wrap`) is made readable before it is cut: smaller down to its smallest size,
 * then on two lines broken at a space ("Fitting" / "rooms"), and only then shortened with "…" (as it
 * is too where the two lines do not fit the height).
 * Pure: the browser passes a `measure` that uses the font the app ships (Inter), the tests a fake one.
 */

/** The width in pixels of `text` at `size` px and `weight`. */
export type Measure = (text: string, size: number, weight: number) => number;

export interface LabelLine {
  text: string;
  /** Preferred size, px. */
  size: number;
  /** Smallest size it may shrink to, px (= size: never shrinks). */
  minSize?: number;
  weight: number;
  /** Dropped first when space runs out, in the order given. */
  optional?: boolean;
  /** Shorten with "…" to fit rather than shrink or drop (names). */
  ellipsis?: boolean;
  /**
   * When this line is dropped for want of height, put it before the next line, on that line:
   * "name · figure", the next line whole, this one shortened with "…", at this line's weight and
   * at most 2 px above this line's size (a name). The placed line takes the next line's index.
   */
  inline?: boolean;
  /**
   * A name (with `ellipsis`) too wide for one line: smaller, down to `minSize`, on one line, else on
   * two broken at a space (the widths balanced; again from `size` down), before it is shortened.
   */
  wrap?: boolean;
}

export interface PlacedLine {
  text: string;
  size: number;
  weight: number;
  /** Top of the line, px from the top of the label block. */
  y: number;
  /** Measured width, px. */
  width: number;
  /** Index in the lines asked for. */
  index: number;
  /** 0 or 1: which line of a name on two lines (`LabelLine.wrap`); absent for a line on one. */
  row?: number;
}

export interface LabelBlock {
  lines: PlacedLine[];
  /** Height of the whole block, px. */
  height: number;
}

/** Line height as a multiple of the font size (Inter's ascent + descent is ~1.21). */
export const LINE_HEIGHT = 1.25;

/** `text` cut with "…" to at most `width` px; "" when not even the first letter and "…" fit. */
export function ellipsize(text: string, width: number, size: number, weight: number, measure: Measure): string {
  if (measure(text, size, weight) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid).trimEnd()}…`, size, weight) <= width) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? "" : `${text.slice(0, lo).trimEnd()}…`;
}

/**
 * Lines fitted into a `width` x `height` px box: each at the largest size from its preferred down
 * to its smallest that fits the width, names shortened, optional lines dropped (last given first)
 * until the block fits the height. Null when not even the required lines fit.
 */
export function fitLabel(lines: readonly LabelLine[], width: number, height: number, measure: Measure): LabelBlock | null {
  if (!(width > 0 && height > 0)) return null;
  // A blank line (a zone with no figure: outside an experiment) is no line: it takes no height and
  // no name is joined to it ("Checkout queue · " with nothing after the dot).
  const blank = lines.map((l) => l.text.trim() === "");
  const fitted: (PlacedLine | null)[] = lines.map((l, index) => {
    if (blank[index]) return null;
    if (l.ellipsis) {
      const text = ellipsize(l.text, width, l.size, l.weight, measure);
      return text.length > 1 ? { text, size: l.size, weight: l.weight, y: 0, width: measure(text, l.size, l.weight), index } : null;
    }
    const min = Math.min(l.size, l.minSize ?? l.size);
    for (let size = l.size; ; size = Math.max(min, size - 1)) {
      const w = measure(l.text, size, l.weight);
      if (w <= width) return { text: l.text, size, weight: l.weight, y: 0, width: w, index };
      if (size === min) return null;
    }
  });
  for (const [i, l] of lines.entries()) if (!l.optional && !blank[i] && fitted[i] === null) return null;
  const blockHeight = (ls: readonly PlacedLine[]) => ls.reduce((s, l) => s + l.size * LINE_HEIGHT, 0);
  // Names that may wrap: whole (smaller, or on two lines) where that fits; on two lines only where the height allows it.
  const whole = lines.map((l, index) => (l.wrap && l.ellipsis && !blank[index] ? wholeName(l, index, width, measure) : null));
  const withWhole = (two: boolean) => fitted.flatMap((f, i) => (whole[i] && (two || whole[i]!.length === 1) ? whole[i]! : f ? [f] : []));
  let keep = withWhole(true);
  if (blockHeight(keep) > height) keep = withWhole(false);
  // Too tall: drop optional lines, the last given first, then shrink the required ones to their smallest.
  const optional = lines.map((l, i) => (l.optional ? i : -1)).filter((i) => i >= 0).reverse();
  for (const i of optional) {
    if (blockHeight(keep) <= height) break;
    keep = keep.filter((l) => l.index !== i);
  }
  const joined = lines.findIndex((l) => l.inline);
  if (joined >= 0 && fitted[joined] && !keep.some((l) => l.index === joined)) keep = joinInline(lines, joined, keep, width, height, measure);
  while (blockHeight(keep) > height) {
    const shrinkable = keep.find((l) => l.size > Math.min(lines[l.index]!.size, lines[l.index]!.minSize ?? lines[l.index]!.size));
    if (!shrinkable) return null;
    shrinkable.size -= 1;
    shrinkable.width = measure(shrinkable.text, shrinkable.size, shrinkable.weight);
  }
  let y = 0;
  for (const l of keep) {
    l.y = y;
    y += l.size * LINE_HEIGHT;
  }
  return { lines: keep, height: y };
}

/**
 * A name whole in `width`: on one line at the largest size from its `size` down to its `minSize`
 * that fits, else on two lines (at the largest such size) broken at the space that balances them;
 * null when neither fits.
 */
function wholeName(l: LabelLine, index: number, width: number, measure: Measure): PlacedLine[] | null {
  const text = l.text.trim().replace(/\s+/g, " ");
  const spaces = [...text.matchAll(/ /g)].map((m) => m.index);
  const min = Math.min(l.size, l.minSize ?? l.size);
  for (let size = l.size; size >= min; size--) {
    const w = measure(text, size, l.weight);
    if (w <= width) return [{ text, size, weight: l.weight, y: 0, width: w, index }];
  }
  for (let size = l.size; size >= min; size--) {
    let best: PlacedLine[] | null = null;
    for (const at of spaces) {
      const rows = [text.slice(0, at), text.slice(at + 1)].map((t, row) => ({ text: t, size, weight: l.weight, y: 0, width: measure(t, size, l.weight), index, row }));
      const widest = Math.max(rows[0]!.width, rows[1]!.width);
      if (widest <= width && (!best || widest < Math.max(best[0]!.width, best[1]!.width))) best = rows;
    }
    if (best) return best;
  }
  return null;
}

/** Separates an inline name from its figure. */
export const INLINE_SEPARATOR = " · ";

/**
 * `keep` with line `joined + 1` replaced by "name · text" on one line (see `LabelLine.inline`), at
 * the largest size that fits the width and, with the other lines kept, the height; `keep` as it was
 * when no size from the name's + 2 down to the next line's smallest fits.
 */
function joinInline(lines: readonly LabelLine[], joined: number, keep: PlacedLine[], width: number, height: number, measure: Measure): PlacedLine[] {
  const name = lines[joined]!;
  const next = lines[joined + 1];
  const at = keep.findIndex((l) => l.index === joined + 1);
  if (!next || at < 0) return keep;
  const others = keep.reduce((s, l, i) => (i === at ? s : s + l.size * LINE_HEIGHT), 0);
  const min = Math.min(name.size, next.minSize ?? next.size);
  const tail = `${INLINE_SEPARATOR}${next.text}`;
  for (let size = name.size + 2; size >= min; size--) {
    if (others + size * LINE_HEIGHT > height) continue;
    const room = width - measure(tail, size, name.weight);
    const short = room > 0 ? ellipsize(name.text, room, size, name.weight, measure) : "";
    if (!short) continue;
    const text = `${short}${tail}`;
    const line: PlacedLine = { text, size, weight: name.weight, y: 0, width: measure(text, size, name.weight), index: joined + 1 };
    if (line.width > width) continue;
    return keep.map((l, i) => (i === at ? line : l));
  }
  return keep;
}

/**
 * The box a label may use inside a polygon, in the polygon's units: centred on `centre`, as wide as
 * the polygon's horizontal extent allows on both sides of it and as tall as its vertical extent
 * does (exact for rectangles, a fair approximation for the convex zones of a floor plan).
 */
export function labelBox(polygon: readonly (readonly [number, number])[], centre: readonly [number, number]): { x: number; y: number; width: number; height: number } {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const [x, y] of polygon) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const hw = Math.max(0, Math.min(centre[0] - minX, maxX - centre[0]));
  const hh = Math.max(0, Math.min(centre[1] - minY, maxY - centre[1]));
  return { x: centre[0] - hw, y: centre[1] - hh, width: 2 * hw, height: 2 * hh };
}

export interface Badge {
  /** Centre, px. */
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Which badges to draw so that none overlaps another: the first given (the most important) win,
 * a badge that would touch one already placed is left out. Returns the indices kept, in order.
 */
export function placeBadges(badges: readonly Badge[], gap = 2): number[] {
  return placeBadgesClear(badges, [], gap).map((p) => p.index);
}

/** Whether two boxes (by their centres) come closer than `gap`. */
const clash = (a: Badge, b: Badge, gap: number) => Math.abs(a.x - b.x) * 2 < a.width + b.width + 2 * gap && Math.abs(a.y - b.y) * 2 < a.height + b.height + 2 * gap;

export interface BadgePlaced {
  /** The badge's index in the list given. */
  index: number;
  /** Its centre where it goes, px. */
  x: number;
  y: number;
}

/**
 * Badges placed clear of each other and of boxes already on the plan (`taken`: zone names a badge
 * must not cover). Each badge goes at its own place if that is clear, else at the first of its
 * `alternatives` (centres, px; e.g. further along its arrow) that is, else it is left out. The
 * first given (the most important) choose first. Returns the badges kept, in order, with their centres.
 */
export function placeBadgesClear(badges: readonly (Badge & { alternatives?: readonly { x: number; y: number }[] })[], taken: readonly Badge[], gap = 2): BadgePlaced[] {
  const placed: (Badge & BadgePlaced)[] = [];
  badges.forEach((b, index) => {
    for (const at of [{ x: b.x, y: b.y }, ...(b.alternatives ?? [])]) {
      const here = { ...at, width: b.width, height: b.height };
      if (taken.some((t) => clash(t, here, gap)) || placed.some((p) => clash(p, here, gap))) continue;
      placed.push({ ...here, index });
      return;
    }
  });
  return placed.map(({ index, x, y }) => ({ index, x, y }));
}
