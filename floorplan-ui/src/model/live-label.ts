/**
 * A zone's label on the live plan, read at arm's length on a kiosk: the name whole on a line of its own (or two, broken at
 * a space) with the figure under it whenever the shape's box allows that at the smallest sizes; the name is shortened
 * ("E… · door", "Check… · 2/20") only when it does not. (fitLabel alone dropped the name for the figure's preferred size
 * first and joined it shortened to the figure: an 80x58 px Entrance read "E… · door" where "Entrance" / "door" fitted.)
 * A zone nothing counts now says so in its box with "Not counted", else a short "—" under its name, never the name alone.
 * Pure: the browser passes a `measure` in the shipped font, the tests a fake one.
 */
import { fitLabel, LINE_HEIGHT, type LabelBlock, type LabelLine, type Measure, type PlacedLine } from "./labels.js";

/** The name's sizes, px: preferred and smallest (the minimum type size a name is read at on the plan). */
export const NAME_SIZE = { size: 12, min: 11 } as const;
/** The figure's sizes under a whole name, px: it shrinks down to this rather than the name being cut. */
export const FIGURE_SIZE = { size: 28, min: 11 } as const;
/** What a not-counted zone shows where a counted one has its figure, longest first. */
export const NOT_COUNTED_MARKS = ["Not counted", "—"] as const;

export interface LiveLabelInput {
  name: string;
  /** "3/15", "door", or null for a zone nothing counts now. */
  figure: string | null;
  /** "OK", "AT CAPACITY"…: a third line when there is room; null for none. */
  word: string | null;
}

/** `text` with runs of white space as one space, trimmed (as a name is drawn). */
const squash = (text: string) => text.trim().replace(/\s+/g, " ");

/** Whether `block` shows `name` whole: on its own line(s) (`own`), or joined to the figure ("Checkout queue · 0/12"). */
export function nameShownWhole(block: LabelBlock | null, name: string, own = true): boolean {
  if (!block) return false;
  const text = squash(name);
  const rows = block.lines.filter((l) => l.index === 0).map((l) => l.text);
  if (rows.length > 0) return rows.join(" ") === text;
  return !own && block.lines.some((l) => l.text.startsWith(`${text} · `));
}

/**
 * The name whole over the figure, in a `width` x `height` px box: the name on one line at the largest size from
 * NAME_SIZE.size down to NAME_SIZE.min that fits the width, else on two lines broken at the space that balances them;
 * the figure under it at the largest size (down to FIGURE_SIZE.min) the rest of the height and the width allow; the word
 * under that when it still fits. `figureSize`: the figure's preferred size. Null when not even the smallest sizes fit.
 */
export function wholeNameOver(name: string, figure: string, word: string | null, width: number, height: number, measure: Measure, figureSize: number = FIGURE_SIZE.size): LabelBlock | null {
  if (!(width > 0 && height > 0)) return null;
  const text = squash(name);
  if (!text) return null;
  // On one line, else on two broken at the space that balances them best.
  const splits: string[][] = [[text]];
  const twoRows = [...text.matchAll(/ /g)]
    .map((m) => [text.slice(0, m.index), text.slice(m.index + 1)])
    .sort((a, b) => Math.max(...a.map((t) => measure(t, NAME_SIZE.min, 600))) - Math.max(...b.map((t) => measure(t, NAME_SIZE.min, 600))))[0];
  if (twoRows) splits.push(twoRows);
  for (const rows of splits) {
    for (let size = NAME_SIZE.size; size >= NAME_SIZE.min; size--) {
      const widths = rows.map((t) => measure(t, size, 600));
      if (Math.max(...widths) > width) continue;
      const nameHeight = rows.length * size * LINE_HEIGHT;
      const room = height - nameHeight;
      for (let f = Math.max(figureSize, FIGURE_SIZE.min); f >= FIGURE_SIZE.min; f--) {
        const fw = measure(figure, f, 700);
        if (fw > width || f * LINE_HEIGHT > room) continue;
        const lines: PlacedLine[] = rows.map((t, row) => ({ text: t, size, weight: 600, y: row * size * LINE_HEIGHT, width: widths[row]!, index: 0, ...(rows.length > 1 ? { row } : {}) }));
        lines.push({ text: figure, size: f, weight: 700, y: nameHeight, width: fw, index: 1 });
        let y = nameHeight + f * LINE_HEIGHT;
        if (word) {
          const ww = measure(word, 11, 700);
          if (ww <= width && y + 11 * LINE_HEIGHT <= height) {
            lines.push({ text: word, size: 11, weight: 700, y, width: ww, index: 2 });
            y += 11 * LINE_HEIGHT;
          }
        }
        return { lines, height: y };
      }
    }
  }
  return null;
}

/**
 * The label of one zone on the live plan in a `width` x `height` px box (the zone's label box less its padding), or
 * null when nothing fits (a thin shape: the plan puts its name beside it). In order: the full label at its preferred
 * sizes when it shows the name whole; the name whole over a smaller figure (`wholeNameOver`; for a zone not counted,
 * "Not counted" or else "—"); the full label with the name shortened or joined to the figure; the name over a small
 * figure; the name alone (a zone not counted: never, it would read as counted).
 */
export function liveZoneLabel(z: LiveLabelInput, width: number, height: number, measure: Measure): LabelBlock | null {
  const name: LabelLine = { text: z.name, size: NAME_SIZE.size, minSize: NAME_SIZE.min, weight: 600, ellipsis: true, wrap: true, optional: true, inline: true };
  const nc = z.figure === null;
  const full: LabelLine[] = nc
    ? [name, { text: "Not counted", size: 16, minSize: 9, weight: 700 }, { text: "NOW", size: 11, minSize: 9, weight: 700, optional: true }]
    : [name, { text: z.figure!, size: FIGURE_SIZE.size, minSize: 10, weight: 700 }, ...(z.word ? [{ text: z.word, size: 11, minSize: 9, weight: 700, optional: true }] : [])];
  const first = fitLabel(full, width, height, measure);
  if (nameShownWhole(first, z.name)) return first;
  for (const figure of nc ? NOT_COUNTED_MARKS : [z.figure!]) {
    const whole = wholeNameOver(z.name, figure, nc ? null : z.word, width, height, measure, nc ? 16 : FIGURE_SIZE.size);
    if (whole) return whole;
  }
  if (first) return first;
  const short: LabelLine[] = nc
    ? [{ text: z.name, size: 11, minSize: 9, weight: 600, ellipsis: true, wrap: true }, { text: "—", size: 11, minSize: 9, weight: 700 }]
    : [{ ...name, size: 11, minSize: 9 }, { text: z.figure!, size: 12, minSize: 9, weight: 700 }];
  const second = fitLabel(short, width, height, measure);
  if (second || nc) return second;
  return fitLabel([{ text: z.name, size: 10, minSize: 8, weight: 600, ellipsis: true, wrap: true }], width, height, measure);
}
