import { memo } from "react";
import { Arrow, Group, Line, Rect, Text } from "./konva.js";
import type Konva from "konva";
import type { Layout } from "@footfall/core";
import { polygonCentroid } from "@footfall/core";
import type { FlowArrow } from "../model/flows.js";
import type { Viewport } from "../model/viewport.js";
import { zoneBox } from "./zoneBox.js";
import { placeBadges } from "../model/labels.js";
import { formatCount } from "../model/format.js";
import { measureText, PLAN_FONT } from "./fonts.js";

const KIND_FILL: Record<string, string> = { entrance: "#e0e7ff", checkout: "#fef3c7", "fitting-room": "#fce7f3", zone: "#f1f5f9", other: "#f8fafc" };

/**
 * Zone outlines with names, and the transitions as curved arrows whose width follows the count,
 * each with its count on a badge at the middle of the curve (the busiest first; a badge that would
 * cover another is left out, its count stays in the tooltip and the table beside the plan).
 */
export const FlowArrows = memo(function FlowArrows({ layout, arrows, viewport, hovered, onHover }: {
  layout: Layout;
  arrows: readonly FlowArrow[];
  viewport: Viewport;
  hovered: number | null;
  onHover: (index: number | null, at: { x: number; y: number } | null) => void;
}) {
  const px = 1 / viewport.scale;
  const at = (i: number) => (e: Konva.KonvaEventObject<MouseEvent | TouchEvent>) => onHover(i, e.target.getStage()?.getPointerPosition() ?? null);
  return (
    <>
      {layout.zones.map((z) => (
        <Line key={z.id} points={z.polygon.flat()} closed fill={KIND_FILL[z.kind] ?? "#f1f5f9"} stroke="#cbd5e1" strokeWidth={1.2} strokeScaleEnabled={false} listening={false} perfectDrawEnabled={false} />
      ))}
      {layout.zones.map((z) => {
        // Names sit at the top of each zone, leaving the centre to the arrows' ends.
        const c = polygonCentroid(z.polygon);
        const box = zoneBox(z.polygon, c);
        if (box.width * viewport.scale < 40) return null;
        const top = Math.min(...z.polygon.filter(([x]) => x >= box.x && x <= box.x + box.width).map(([, y]) => y), c[1]);
        return <Text key={z.id} x={box.x + 6 * px} y={top + 6 * px} width={box.width - 12 * px} align="left" text={z.name} fontFamily={PLAN_FONT} fontSize={12 * px} fontStyle="600" fill="#475569" wrap="none" ellipsis listening={false} />;
      })}
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
      <CountBadges arrows={arrows} viewport={viewport} />
    </>
  );
});

function CountBadges({ arrows, viewport }: { arrows: readonly FlowArrow[]; viewport: Viewport }) {
  const px = 1 / viewport.scale;
  const badges = arrows.map((a) => {
    const text = formatCount(a.count);
    return { text, x: a.points[2] * viewport.scale, y: a.points[3] * viewport.scale, width: measureText(text, 11, 600) + 10, height: 17 };
  });
  // Arrows come busiest first: their counts win the space.
  const kept = placeBadges(badges);
  return (
    <>
      {kept.map((i) => {
        const b = badges[i]!;
        return (
          <Group key={i} x={(b.x - b.width / 2) * px} y={(b.y - b.height / 2) * px} listening={false} name="arrow-count">
            <Rect width={b.width * px} height={b.height * px} cornerRadius={8 * px} fill="#ffffff" stroke="#3b528b" strokeWidth={1} strokeScaleEnabled={false} perfectDrawEnabled={false} />
            <Text width={b.width * px} height={b.height * px} align="center" verticalAlign="middle" text={b.text} fontFamily={PLAN_FONT} fontSize={11 * px} fontStyle="600" fill="#1e293b" perfectDrawEnabled={false} />
          </Group>
        );
      })}
    </>
  );
}
