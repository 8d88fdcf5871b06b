import { memo } from "react";
import { Arrow, Group, Line, Rect, Text } from "./konva.js";
import type Konva from "konva";
import type { Layout } from "@footfall/core";
import { polygonCentroid } from "@footfall/core";
import type { FlowArrow } from "../model/flows.js";
import type { Viewport } from "../model/viewport.js";
import { zoneBox } from "./zoneBox.js";
import { placeBadgesClear, type Badge } from "../model/labels.js";
import { formatCount } from "../model/format.js";
import { measureText, PLAN_FONT } from "./fonts.js";
import { nameShown } from "../model/names.js";

const KIND_FILL: Record<string, string> = { entrance: "#e0e7ff", checkout: "#fef3c7", "fitting-room": "#fce7f3", zone: "#f1f5f9", other: "#f8fafc" };

/**
 * Zone outlines, the transitions as curved arrows whose width follows the count, the zones' names
 * over the arrows on a light tag, and each arrow's count on a badge at the middle of the curve (the
 * busiest first; a badge on a name moves along its arrow, and one that finds no clear place is left
 * out, its count stays in the tooltip and the table beside the plan).
 */
export const FlowArrows = memo(function FlowArrows({ layout, arrows, viewport, hovered, onHover }: {
  layout: Layout;
  arrows: readonly FlowArrow[];
  viewport: Viewport;
  hovered: number | null;
  onHover: (index: number | null, at: { x: number; y: number } | null) => void;
}) {
  const px = 1 / viewport.scale;
  const tags = nameTags(layout, viewport);
  const at = (i: number) => (e: Konva.KonvaEventObject<MouseEvent | TouchEvent>) => onHover(i, e.target.getStage()?.getPointerPosition() ?? null);
  return (
    <>
      {layout.zones.map((z) => (
        <Line key={z.id} points={z.polygon.flat()} closed fill={KIND_FILL[z.kind] ?? "#f1f5f9"} stroke="#cbd5e1" strokeWidth={1.2} strokeScaleEnabled={false} listening={false} perfectDrawEnabled={false} />
      ))}
      {arrows.map((a, i) => (
        <Arrow
          key={`${a.from}>${a.to}`}
          points={a.points}
          tension={0.5}
          stroke={i === hovered ? "#fde725" : "#3b528b"}
          fill={i === hovered ? "#fde725" : "#3b528b"}
          opacity={hovered === null || i === hovered ? 0.85 : 0.35}
          strokeWidth={a.width}
          strokeScaleEnabled={false}
          pointerLength={(7 + a.width * 0.9) * px}
          pointerWidth={(7 + a.width * 1.1) * px}
          lineCap="round"
          hitStrokeWidth={Math.max(12, a.width + 6)}
          onMouseMove={at(i)}
          onTap={at(i)}
          onMouseLeave={() => onHover(null, null)}
          perfectDrawEnabled={false}
        />
      ))}
      {/* Names over the arrows, on a light tag: where traffic is heaviest the arrows crossed them out. */}
      {tags.map((t) => (
        <Group key={t.id} x={(t.x - t.width / 2) * px} y={(t.y - t.height / 2) * px} listening={false} name="zone-name" id={`zone-name-${t.id}`}>
          <Rect width={t.width * px} height={t.height * px} cornerRadius={4 * px} fill="#ffffff" opacity={0.88} perfectDrawEnabled={false} />
          <Text x={TAG_PAD * px} width={(t.width - 2 * TAG_PAD) * px} height={t.height * px} verticalAlign="middle" text={t.name} fontFamily={PLAN_FONT} fontSize={12 * px} fontStyle="600" fill="#334155" wrap="none" ellipsis perfectDrawEnabled={false} />
        </Group>
      ))}
      <CountBadges arrows={arrows} viewport={viewport} taken={tags} />
    </>
  );
});

/** Room inside a name's tag on each side, px. */
const TAG_PAD = 4;

/** Each zone's name tag at the top left of its label box, px (centre and size), or none where the zone is too narrow. */
function nameTags(layout: Layout, viewport: Viewport): (Badge & { id: string; name: string })[] {
  return layout.zones.flatMap((z) => {
    const c = polygonCentroid(z.polygon);
    const box = zoneBox(z.polygon, c);
    const room = box.width * viewport.scale - 8;
    if (room < 32) return [];
    // Names sit at the top of each zone, leaving the centre to the arrows' ends.
    const top = Math.min(...z.polygon.filter(([x]) => x >= box.x && x <= box.x + box.width).map(([, y]) => y), c[1]);
    const name = nameShown(z.name);
    const width = Math.min(room, measureText(name, 12, 600) + 2 * TAG_PAD + 1);
    const height = 18;
    return [{ id: z.id, name, width, height, x: box.x * viewport.scale + 4 + width / 2, y: top * viewport.scale + 4 + height / 2 }];
  });
}

function CountBadges({ arrows, viewport, taken }: { arrows: readonly FlowArrow[]; viewport: Viewport; taken: readonly Badge[] }) {
  const px = 1 / viewport.scale;
  const badges = arrows.map((a) => {
    const text = formatCount(a.count);
    const [x0, y0, xm, ym, x1, y1] = a.points.map((v) => v * viewport.scale) as [number, number, number, number, number, number];
    const width = measureText(text, 11, 600) + 10;
    const height = 17;
    // On a name, a count moves along its arrow (a quarter, then half way to either end), else beside its middle.
    const along = [0.25, 0.5].flatMap((f) => [{ x: xm + (x0 - xm) * f, y: ym + (y0 - ym) * f }, { x: xm + (x1 - xm) * f, y: ym + (y1 - ym) * f }]);
    const dx = width / 2 + a.width / 2 + 3;
    const dy = height / 2 + a.width / 2 + 3;
    const beside = [{ x: xm + dx, y: ym }, { x: xm - dx, y: ym }, { x: xm, y: ym + dy }, { x: xm, y: ym - dy }];
    return { text, x: xm, y: ym, width, height, alternatives: [...along, ...beside] };
  });
  // Arrows come busiest first: their counts win the space; zone names keep theirs.
  const kept = placeBadgesClear(badges, taken);
  return (
    <>
      {kept.map(({ index: i, x, y }) => {
        const b = badges[i]!;
        return (
          <Group key={i} x={(x - b.width / 2) * px} y={(y - b.height / 2) * px} listening={false} name="arrow-count">
            <Rect width={b.width * px} height={b.height * px} cornerRadius={8 * px} fill="#ffffff" stroke="#3b528b" strokeWidth={1} strokeScaleEnabled={false} perfectDrawEnabled={false} />
            <Text width={b.width * px} height={b.height * px} align="center" verticalAlign="middle" text={b.text} fontFamily={PLAN_FONT} fontSize={11 * px} fontStyle="600" fill="#1e293b" perfectDrawEnabled={false} />
          </Group>
        );
      })}
    </>
  );
}
