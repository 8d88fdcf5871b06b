import { Group, Line, Text } from "./konva.js";
import { STATE_STYLE, type LiveZone } from "../model/live.js";
import type { Viewport } from "../model/viewport.js";
import { zoneBox } from "./zoneBox.js";

/** Zones on the live plan: the state's colour, the occupancy against capacity and the state in words. */
export function LiveZones({ zones, viewport }: { zones: readonly LiveZone[]; viewport: Viewport }) {
  const px = 1 / viewport.scale;
  return (
    <>
      {zones.map((z) => {
        const style = STATE_STYLE[z.state];
        const box = zoneBox(z.polygon, z.centroid);
        const wide = box.width * viewport.scale;
        const ys = z.polygon.map(([, y]) => y);
        const tall = (Math.min(z.centroid[1] - Math.min(...ys), Math.max(...ys) - z.centroid[1]) * 2) * viewport.scale;
        // What fits, in screen pixels: the name and the state word only where there is room.
        const showName = wide > 54 && tall > 66;
        const showWord = wide > 54 && z.state !== "none" && tall > 46;
        const big = Math.max(11, Math.min(28, wide / 5, (tall - (showName ? 17 : 0) - (showWord ? 14 : 0) - 6) / 1.05));
        const height = (showName ? 17 : 0) + big * 1.05 + (showWord ? 14 : 0);
        let y = z.centroid[1] - (height / 2) * px;
        const fig = z.capacity === null ? `${z.occupancy}` : `${z.occupancy}/${z.capacity}`;
        const at = (h: number) => {
          const top = y;
          y += h * px;
          return top;
        };
        return (
          <Group key={z.id} listening={false}>
            <Line points={z.polygon.flat()} closed fill={style.soft} stroke={style.fill} strokeWidth={z.state === "full" ? 3 : 2} strokeScaleEnabled={false} />
            {showName && <Text x={box.x} y={at(17)} width={box.width} align="center" text={z.name} fontSize={12 * px} fill="#334155" fontStyle="600" wrap="none" ellipsis />}
            <Text x={box.x} y={at(big * 1.05)} width={box.width} align="center" text={fig} fontSize={big * px} fill="#0f172a" fontStyle="bold" wrap="none" />
            {showWord && <Text x={box.x} y={at(14) + 2 * px} width={box.width} align="center" text={style.word.toUpperCase()} fontSize={11 * px} fill={style.fill} fontStyle="bold" letterSpacing={0.8 * px} wrap="none" />}
          </Group>
        );
      })}
    </>
  );
}
