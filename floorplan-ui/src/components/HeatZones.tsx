import { memo } from "react";
import { Circle, Group, Line, Text } from "./konva.js";
import type Konva from "konva";
import { FLAG_COLOUR, type HeatZone } from "../model/heatmap.js";
import { formatChange } from "../model/format.js";
import type { Viewport } from "../model/viewport.js";
import { fitLabel, labelBox } from "../model/labels.js";
import { measureText, PLAN_FONT } from "./fonts.js";
import { nameShown } from "../model/names.js";

/** Room left free between a zone's edge and its label, px. */
const PAD = 4;

export interface HeatZonesProps {
  zones: readonly HeatZone[];
  viewport: Viewport;
  hovered: string | null;
  compare: boolean;
  onHover: (id: string | null, at: { x: number; y: number } | null) => void;
  /** Outline zones flagged "long dwell, low conversion" and badge them with "!". */
  showFlags?: boolean;
  /** The change line when comparing (default: the relative change). */
  changeLabel?: ((z: HeatZone) => string) | undefined;
}

/**
 * Zones filled with their heat colour (opaque, so the colour on screen is the scale's colour), the
 * figure on each, the name where it fits (beside the figure in a low zone), and the change when
 * comparing.
 */
export const HeatZones = memo(function HeatZones({ zones, viewport, hovered, compare, onHover, showFlags = false, changeLabel }: HeatZonesProps) {
  const px = 1 / viewport.scale;
  const move = (id: string) => (e: Konva.KonvaEventObject<MouseEvent | TouchEvent>) => {
    const p = e.target.getStage()?.getPointerPosition();
    onHover(id, p ?? null);
  };
  return (
    <>
      {zones.map((z) => (
        <Line
          key={z.id}
          points={z.polygon.flat()}
          closed
          fill={z.fill}
          stroke={z.id === hovered ? "#0f172a" : "#ffffff"}
          strokeWidth={z.id === hovered ? 2.5 : 1.5}
          strokeScaleEnabled={false}
          perfectDrawEnabled={false}
          onMouseMove={move(z.id)}
          onMouseLeave={() => onHover(null, null)}
          onTap={move(z.id)}
        />
      ))}
      {showFlags &&
        zones.filter((z) => z.longDwellLowConversion).map((z) => {
          // Inset a little so the dashed outline sits inside the zone, clear of its neighbours' edges.
          const [cx, cy] = z.centroid;
          const inset = 3 * px;
          const pts = z.polygon.flatMap(([x, y]) => {
            const d = Math.hypot(x - cx, y - cy) || 1;
            return [x - ((x - cx) / d) * inset, y - ((y - cy) / d) * inset];
          });
          let top = z.polygon[0]!;
          for (const p of z.polygon) if (p[1] < top[1] || (p[1] === top[1] && p[0] > top[0])) top = p;
          const r = 9 * px;
          return (
            <Group key={`flag-${z.id}`} listening={false}>
              <Line points={pts} closed stroke={FLAG_COLOUR} strokeWidth={3} dash={[8, 5]} strokeScaleEnabled={false} perfectDrawEnabled={false} />
              <Circle x={top[0] - r - 4 * px} y={top[1] + r + 4 * px} radius={r} fill={FLAG_COLOUR} stroke="#ffffff" strokeWidth={1.5} strokeScaleEnabled={false} perfectDrawEnabled={false} />
              <Text x={top[0] - 2 * r - 4 * px} y={top[1] + 4 * px + r - 6.5 * px} width={2 * r} align="center" text="!" fontFamily={PLAN_FONT} fontSize={13 * px} fontStyle="bold" fill="#ffffff" perfectDrawEnabled={false} />
            </Group>
          );
        })}
      {zones.map((z) => {
        const box = labelBox(z.polygon, z.centroid);
        const block = fitLabel(
          [
            { text: nameShown(z.name), size: 12, minSize: 11, weight: 500, ellipsis: true, wrap: true, optional: true, inline: true },
            { text: z.label, size: 20, minSize: 10, weight: 700 },
            ...(compare ? [{ text: changeLabel?.(z) ?? formatChange(z.change), size: 11, minSize: 9, weight: 500, optional: true }] : []),
          ],
          box.width * viewport.scale - 2 * PAD,
          box.height * viewport.scale - 2 * PAD,
          measureText,
        );
        if (!block) return null;
        const top = z.centroid[1] - (block.height / 2) * px;
        return (
          <Group key={z.id} listening={false}>
            {block.lines.map((l) => (
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
                fill={z.ink}
                opacity={l.index === 1 ? 1 : 0.9}
                wrap="none"
                perfectDrawEnabled={false}
              />
            ))}
          </Group>
        );
      })}
    </>
  );
});
