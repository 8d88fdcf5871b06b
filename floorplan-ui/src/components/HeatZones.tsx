import { memo } from "react";
import { Group, Line, Text } from "./konva.js";
import type Konva from "konva";
import type { HeatZone } from "../model/heatmap.js";
import { formatChange } from "../model/format.js";
import type { Viewport } from "../model/viewport.js";
import { zoneBox } from "./zoneBox.js";

export interface HeatZonesProps {
  zones: readonly HeatZone[];
  viewport: Viewport;
  hovered: string | null;
  compare: boolean;
  onHover: (id: string | null, at: { x: number; y: number } | null) => void;
}

/**
 * Zones filled with their heat colour (opaque, so the colour on screen is the scale's colour), the
 * figure on each, the name where it fits, and the change when comparing.
 */
export const HeatZones = memo(function HeatZones({ zones, viewport, hovered, compare, onHover }: HeatZonesProps) {
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
      {zones.map((z) => {
        const box = zoneBox(z.polygon, z.centroid);
        const wide = box.width * viewport.scale;
        if (wide < 22) return null;
        const fig = Math.min(20, Math.max(11, wide / 6));
        const showName = wide > 70;
        const showChange = compare && wide > 50;
        const top = z.centroid[1] - ((showName ? fig * 0.5 + 14 : fig * 0.5) + (showChange ? 6 : 0)) * px;
        return (
          <Group key={z.id} listening={false}>
            {showName && <Text x={box.x} y={top} width={box.width} align="center" text={z.name} fontSize={12 * px} fontStyle="500" fill={z.ink} opacity={0.9} wrap="none" ellipsis perfectDrawEnabled={false} />}
            <Text x={box.x} y={top + (showName ? 14 : 0) * px} width={box.width} align="center" text={z.label} fontSize={fig * px} fontStyle="bold" fill={z.ink} wrap="none" perfectDrawEnabled={false} />
            {showChange && (
              <Text x={box.x} y={top + ((showName ? 14 : 0) + fig + 2) * px} width={box.width} align="center" text={formatChange(z.change)} fontSize={10.5 * px} fill={z.ink} opacity={0.9} wrap="none" perfectDrawEnabled={false} />
            )}
          </Group>
        );
      })}
    </>
  );
});
