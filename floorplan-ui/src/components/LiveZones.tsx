import { Group, Line, Rect, Text } from "./konva.js";
import { STATE_STYLE, stateText, type LiveZone } from "../model/live.js";
import { ellipsize, labelBox, placeBadgesClear } from "../model/labels.js";
import { liveZoneLabel } from "../model/live-label.js";
import type { Viewport } from "../model/viewport.js";
import { measureText, PLAN_FONT } from "./fonts.js";

/** Room left free between a zone's edge and its label, px. */
const PAD = 4;

/**
 * Zones on the live plan: the state's colour, the occupancy against capacity and the state in
 * words. Labels are laid out from text measured in the shipped font (`liveZoneLabel`): they never
 * overlap and never leave their zone; the name is whole on its line(s) over a smaller figure before it is cut with "…";
 * a zone nothing counts is hatched grey and says "Not counted" (or "—"); a shape too thin for any label
 * inside gets its name and figure on a tag beside it.
 */
export function LiveZones({ zones, viewport }: { zones: readonly LiveZone[]; viewport: Viewport }) {
  const px = 1 / viewport.scale;
  const laid = zones.map((z) => {
    const box = labelBox(z.polygon, z.centroid);
    const w = box.width * viewport.scale - 2 * PAD;
    const h = box.height * viewport.scale - 2 * PAD;
    const fig = z.doorOnly ? "door" : z.capacity === null ? `${z.occupancy}` : `${z.occupancy}/${z.capacity}`;
    // The name whole over the figure whenever the box allows it (model/live-label.ts); nothing counts it now: no
    // figure (its people are those seen before), "Not counted" or a short "—" instead, never the name alone.
    const block = liveZoneLabel({ name: z.name, figure: z.notCounted ? null : fig, word: z.state === "none" || z.notCounted ? null : stateText(z.occupancy, z.capacity, z.state).toUpperCase() }, w, h, measureText);
    return { z, box, fig, block };
  });
  // A shape too thin for any label inside (the Checkout queue on a phone): its name and figure on a tag beside it, clear
  // of the other zones where there is room (below, above, left, right), else over it.
  const bounds = zones.map((z) => pxBounds(z.polygon, viewport));
  const tags = laid.flatMap(({ z, fig, block }, i) => {
    if (block) return [];
    const b = bounds[i]!;
    const text = ellipsize(`${z.name} · ${z.notCounted ? "not counted" : fig}`, Math.max(TAG_MAX, b.x1 - b.x0), TAG_SIZE, 600, measureText);
    const width = measureText(text, TAG_SIZE, 600) + 2 * TAG_PAD;
    const height = TAG_SIZE * 1.25 + 2;
    const cx = (b.x0 + b.x1) / 2;
    const cy = (b.y0 + b.y1) / 2;
    return [{ z, text, width, height, x: cx, y: cy, alternatives: [
      { x: cx, y: b.y1 + 2 + height / 2 },
      { x: cx, y: b.y0 - 2 - height / 2 },
      { x: b.x0 - 2 - width / 2, y: cy },
      { x: b.x1 + 2 + width / 2, y: cy },
    ] }];
  });
  const taken = bounds.map((b) => ({ x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2, width: b.x1 - b.x0, height: b.y1 - b.y0 }));
  // Each tag tried beside its shape first (its own place, over the shape, only when no side is clear).
  const placed = new Map(placeBadgesClear(tags.map((t) => ({ ...t, x: t.alternatives[0]!.x, y: t.alternatives[0]!.y, alternatives: t.alternatives.slice(1) })), taken, 1).map((p) => [p.index, p]));
  return (
    <>
      {laid.map(({ z, box, block }) => {
        const style = STATE_STYLE[z.state];
        const top = z.centroid[1] - ((block?.height ?? 0) / 2) * px;
        return (
          <Group key={z.id} listening={false} name={z.notCounted ? "live-zone not-counted" : "live-zone"} id={`zone-${z.id}`}>
            <Line points={z.polygon.flat()} closed fill={style.soft} stroke={style.fill} strokeWidth={z.state === "over" || z.state === "full" ? 3 : 2} strokeScaleEnabled={false} dash={z.notCounted ? [6, 4] : undefined} />
            {/* Not counted: grey hatching over the shape, as the list's not-counted rows, so it does not read as an empty zone. */}
            {z.notCounted && (
              <Group name="not-counted-hatch" clipFunc={(ctx) => {
                z.polygon.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
                ctx.closePath();
              }}>
                <Line points={hatch(z.polygon, 8 * px)} stroke="#94a3b8" strokeWidth={1} strokeScaleEnabled={false} opacity={0.55} />
              </Group>
            )}
            {block?.lines.map((l) => (
              <Text
                key={`${l.index}-${l.row ?? 0}`}
                name="zone-label"
                x={box.x}
                y={top + l.y * px}
                width={box.width}
                align="center"
                text={l.text}
                fontFamily={PLAN_FONT}
                fontSize={l.size * px}
                fontStyle={String(l.weight)}
                lineHeight={1.25}
                fill={l.index === 0 ? "#334155" : l.index === 1 ? "#0f172a" : style.ink}
                wrap="none"
              />
            ))}
          </Group>
        );
      })}
      {tags.map((t, i) => {
        const at = placed.get(i) ?? { x: t.x, y: t.y };
        const [fx, fy] = [(at.x - viewport.x) * px, (at.y - viewport.y) * px];
        return (
          <Group key={`tag-${t.z.id}`} listening={false} name="live-zone-tag" id={`zone-tag-${t.z.id}`}>
            <Rect x={fx - (t.width / 2) * px} y={fy - (t.height / 2) * px} width={t.width * px} height={t.height * px} cornerRadius={3 * px} fill="#ffffff" stroke={t.z.notCounted ? "#94a3b8" : STATE_STYLE[t.z.state].fill} strokeWidth={1} strokeScaleEnabled={false} dash={t.z.notCounted ? [3, 2] : undefined} opacity={0.95} />
            <Text name="zone-tag-label" x={fx - (t.width / 2) * px} y={fy - (TAG_SIZE * 0.625) * px} width={t.width * px} align="center" text={t.text} fontFamily={PLAN_FONT} fontSize={TAG_SIZE * px} fontStyle="600" lineHeight={1.25} fill="#0f172a" wrap="none" />
          </Group>
        );
      })}
    </>
  );
}

/** A thin zone's tag: its text's size and most width, px, and room either side. */
const TAG_SIZE = 11;
const TAG_MAX = 220;
const TAG_PAD = 4;

/** A polygon's extent on the screen, px. */
function pxBounds(polygon: readonly (readonly [number, number])[], v: Viewport): { x0: number; y0: number; x1: number; y1: number } {
  const xs = polygon.map(([x]) => x * v.scale + v.x);
  const ys = polygon.map(([, y]) => y * v.scale + v.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** Diagonal strokes every `step` metres across a polygon's extent, as one Line's points (each stroke doubled back on itself, so the joins draw nothing new). */
function hatch(polygon: readonly (readonly [number, number])[], step: number): number[] {
  const xs = polygon.map(([x]) => x);
  const ys = polygon.map(([, y]) => y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const h = y1 - y0;
  const points: number[] = [];
  if (!(step > 0)) return points;
  for (let x = x0 - h; x <= x1; x += step) points.push(x, y1, x + h, y0, x, y1);
  return points;
}
