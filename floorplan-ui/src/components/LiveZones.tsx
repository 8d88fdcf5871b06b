import { Group, Line, Text } from "./konva.js";
import { STATE_STYLE, stateText, type LiveZone } from "../model/live.js";
import { fitLabel, labelBox, type LabelLine } from "../model/labels.js";
import type { Viewport } from "../model/viewport.js";
import { measureText, PLAN_FONT } from "./fonts.js";

/** Room left free between a zone's edge and its label, px. */
const PAD = 4;

/**
 * Zones on the live plan: the state's colour, the occupancy against capacity and the state in
 * words. Labels are laid out from text measured in the shipped font (`fitLabel`): they never
 * overlap and never leave their zone; a name too wide goes smaller, then on two lines, before it is cut with "…";
 * a zone too small for its whole label gets a shorter one (the name over a small figure, else the name alone);
 * only a zone with no room for even that has none (the list has every figure).
 */
export function LiveZones({ zones, viewport }: { zones: readonly LiveZone[]; viewport: Viewport }) {
  const px = 1 / viewport.scale;
  return (
    <>
      {zones.map((z) => {
        const style = STATE_STYLE[z.state];
        const box = labelBox(z.polygon, z.centroid);
        const w = box.width * viewport.scale - 2 * PAD;
        const h = box.height * viewport.scale - 2 * PAD;
        const fig = z.doorOnly ? "door" : z.capacity === null ? `${z.occupancy}` : `${z.occupancy}/${z.capacity}`;
        // Nothing counts it now: no figure (its people are those seen before), the words instead.
        const name = { text: z.name, size: 12, minSize: 11, weight: 600, ellipsis: true, wrap: true, optional: true, inline: true };
        const full: LabelLine[] = z.notCounted
          ? [name, { text: "Not counted", size: 16, minSize: 9, weight: 700 }, { text: "NOW", size: 11, minSize: 9, weight: 700, optional: true }]
          : [name, { text: fig, size: 28, minSize: 10, weight: 700 }, ...(z.state === "none" ? [] : [{ text: stateText(z.occupancy, z.capacity, z.state).toUpperCase(), size: 11, minSize: 9, weight: 700, optional: true }])];
        // A zone too small for that (the fitting rooms at 1024x768, most zones on a portrait plan under an alert) still
        // says which zone it is: the name smaller (shortened with "…" if need be) over a small figure or "not counted",
        // else the name alone. The list beside has every figure in full.
        const short: LabelLine[] = z.notCounted
          ? [{ text: z.name, size: 11, minSize: 9, weight: 600, ellipsis: true, wrap: true }, { text: "not counted", size: 9, minSize: 8, weight: 700, optional: true }]
          : [{ ...name, size: 11, minSize: 9 }, { text: fig, size: 12, minSize: 9, weight: 700 }];
        const nameOnly: LabelLine[] = [{ text: z.name, size: 10, minSize: 8, weight: 600, ellipsis: true, wrap: true }];
        const block = fitLabel(full, w, h, measureText) ?? fitLabel(short, w, h, measureText) ?? fitLabel(nameOnly, w, h, measureText);
        const top = z.centroid[1] - ((block?.height ?? 0) / 2) * px;
        return (
          <Group key={z.id} listening={false} name={z.notCounted ? "live-zone not-counted" : "live-zone"} id={`zone-${z.id}`}>
            <Line points={z.polygon.flat()} closed fill={style.soft} stroke={style.fill} strokeWidth={z.state === "over" || z.state === "full" ? 3 : 2} strokeScaleEnabled={false} dash={z.notCounted ? [6, 4] : undefined} />
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
    </>
  );
}
