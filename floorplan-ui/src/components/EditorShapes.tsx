import { Circle, Group, Line, Rect, Text } from "./konva.js";
import type Konva from "konva";
import { polygonCentroid, type FloorPoint } from "@footfall/core";
import type { EditorAction, EditorState } from "../model/editor.js";
import type { SnapSettings } from "../model/snap.js";
import type { Viewport } from "../model/viewport.js";
import { KIND_STYLE } from "./kinds.js";
import { zoneBox } from "./zoneBox.js";
import { nameShown } from "../model/names.js";

/** Corner handle radius and the distance that closes a polygon, in screen pixels. */
export const HANDLE_PX = 7;
export const CLOSE_PX = 12;
/** How near (screen pixels) a corner must come to another zone's corner or edge to snap to it. */
export const SNAP_PX = 10;

type Dispatch = (a: EditorAction) => void;

/** The editor's plan: zones by kind, the selected zone's corner and mid-edge handles, the polygon being drawn. */
export function EditorShapes({ state, viewport, pointer, dispatch, problemZones, overlapZones, snapOn }: { state: EditorState; viewport: Viewport; pointer: FloorPoint | null; dispatch: Dispatch; problemZones: Set<string>; overlapZones: Set<string>; snapOn: boolean }) {
  const px = 1 / viewport.scale;
  const snap: SnapSettings = { on: snapOn, tolerance: SNAP_PX * px };
  const drawing = state.drawing !== null;
  const stop = (e: Konva.KonvaEventObject<Event>) => {
    e.cancelBubble = true;
  };
  const selected = state.draft.zones.find((z) => z.id === state.selected);
  return (
    <>
      <Grid width={state.draft.floor.width} height={state.draft.floor.height} scale={viewport.scale} />
      {state.draft.zones.map((z) => {
        const k = KIND_STYLE[z.kind];
        const isSel = z.id === state.selected;
        const bad = problemZones.has(z.id);
        const overlapping = overlapZones.has(z.id);
        return (
          <Line
            key={z.id}
            id={`zone-${z.id}`}
            name="zone-body"
            points={z.polygon.flat()}
            closed
            fill={k.fill}
            stroke={bad ? "#dc2626" : overlapping ? "#d97706" : isSel ? "#0f172a" : k.stroke}
            strokeWidth={isSel || bad || overlapping ? 2.5 : 1.5}
            dash={bad || overlapping ? [6, 4] : undefined}
            strokeScaleEnabled={false}
            listening={!drawing}
            // Dragging a zone's body moves the zone (the stage pans only from empty floor). The node
            // is put back at 0,0 after each step: the polygon itself carries the move.
            draggable={!drawing}
            dragDistance={4}
            onDragStart={(e) => {
              stop(e);
              dispatch({ type: "select", zone: z.id });
            }}
            onDragMove={(e) => {
              stop(e);
              const node = e.target;
              const delta: [number, number] = [node.x(), node.y()];
              node.position({ x: 0, y: 0 });
              dispatch({ type: "moveZone", zone: z.id, delta, snap });
            }}
            onDragEnd={(e) => {
              stop(e);
              e.target.position({ x: 0, y: 0 });
              dispatch({ type: "endDrag" });
            }}
            onClick={(e) => {
              stop(e);
              dispatch({ type: "select", zone: z.id });
            }}
            onTap={(e) => {
              stop(e);
              dispatch({ type: "select", zone: z.id });
            }}
            onMouseEnter={(e) => setCursor(e, drawing ? "crosshair" : "move")}
            onMouseLeave={(e) => setCursor(e, drawing ? "crosshair" : "")}
          />
        );
      })}
      {state.draft.zones.map((z) => {
        const c = polygonCentroid(z.polygon);
        const box = zoneBox(z.polygon, c);
        if (box.width * viewport.scale < 36) return null;
        return (
          <Group key={z.id} listening={false}>
            <Text x={box.x} y={c[1] - 14 * px} width={box.width} align="center" text={nameShown(z.name)} fontSize={12.5 * px} fontStyle="600" fill="#0f172a" wrap="none" ellipsis />
            <Text x={box.x} y={c[1] + 2 * px} width={box.width} align="center" text={`${KIND_STYLE[z.kind].label}${z.capacity !== undefined ? ` · max ${z.capacity}` : ""}`} fontSize={10.5 * px} fill="#475569" wrap="none" ellipsis />
          </Group>
        );
      })}
      {selected && !drawing && (
        <>
          {selected.polygon.map((p, i) => {
            const q = selected.polygon[(i + 1) % selected.polygon.length]!;
            const mid: [number, number] = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
            const s = 5 * px;
            return (
              <Rect
                key={`m${i}`}
                x={mid[0] - s}
                y={mid[1] - s}
                width={2 * s}
                height={2 * s}
                fill="#ffffff"
                stroke="#4f46e5"
                strokeWidth={1.5}
                strokeScaleEnabled={false}
                cornerRadius={1.5 * px}
                opacity={0.9}
                onClick={(e) => {
                  stop(e);
                  dispatch({ type: "insertCorner", zone: selected.id, after: i, point: mid });
                }}
                onTap={(e) => {
                  stop(e);
                  dispatch({ type: "insertCorner", zone: selected.id, after: i, point: mid });
                }}
                onMouseEnter={(e) => setCursor(e, "copy")}
                onMouseLeave={(e) => setCursor(e, "")}
              />
            );
          })}
          {selected.polygon.map((p, i) => (
            <Circle
              key={`c${i}`}
              name="corner"
              x={p[0]}
              y={p[1]}
              radius={HANDLE_PX * px}
              fill="#4f46e5"
              stroke="#ffffff"
              strokeWidth={2}
              strokeScaleEnabled={false}
              hitStrokeWidth={8}
              draggable
              onDragStart={(e) => stop(e)}
              onDragMove={(e) => {
                stop(e);
                dispatch({ type: "dragCorner", zone: selected.id, index: i, point: [e.target.x(), e.target.y()], snap });
              }}
              onDragEnd={(e) => {
                stop(e);
                dispatch({ type: "endDrag" });
              }}
              onClick={stop}
              onDblClick={(e) => {
                stop(e);
                dispatch({ type: "deleteCorner", zone: selected.id, index: i });
              }}
              onDblTap={(e) => {
                stop(e);
                dispatch({ type: "deleteCorner", zone: selected.id, index: i });
              }}
              onMouseEnter={(e) => setCursor(e, "move")}
              onMouseLeave={(e) => setCursor(e, "")}
            />
          ))}
        </>
      )}
      {state.drawing && <Drawing corners={state.drawing} pointer={pointer} px={px} />}
    </>
  );
}

function Drawing({ corners, pointer, px }: { corners: FloorPoint[]; pointer: FloorPoint | null; px: number }) {
  const first = corners[0];
  const closing = !!(first && pointer && corners.length >= 3 && Math.hypot(pointer[0] - first[0], pointer[1] - first[1]) <= CLOSE_PX * px);
  const pts = [...corners, ...(pointer && !closing ? [pointer] : []), ...(closing && first ? [first] : [])];
  return (
    <Group listening={false}>
      {corners.length >= 2 && <Line points={[...corners, ...(pointer ? [pointer] : [])].flat()} closed fill="rgba(79, 70, 229, 0.08)" strokeEnabled={false} />}
      <Line points={pts.flat()} stroke="#4f46e5" strokeWidth={2} dash={[8, 5]} strokeScaleEnabled={false} />
      {corners.map((p, i) => (
        <Circle key={i} x={p[0]} y={p[1]} radius={(i === 0 ? (closing ? 9 : 7) : 5) * px} fill={i === 0 ? "#ffffff" : "#4f46e5"} stroke="#4f46e5" strokeWidth={2} strokeScaleEnabled={false} />
      ))}
    </Group>
  );
}

/** Faint 1 m grid lines (coarser when zoomed out) to help place corners. */
function Grid({ width, height, scale }: { width: number; height: number; scale: number }) {
  const step = [1, 2, 5, 10, 20, 50, 100].find((s) => s * scale >= 14) ?? 100;
  const lines: number[][] = [];
  for (let x = step; x < width; x += step) lines.push([x, 0, x, height]);
  for (let y = step; y < height; y += step) lines.push([0, y, width, y]);
  return (
    <Group listening={false}>
      {lines.map((l, i) => (
        <Line key={i} points={l} stroke="#e2e8f0" strokeWidth={1} strokeScaleEnabled={false} perfectDrawEnabled={false} />
      ))}
    </Group>
  );
}

function setCursor(e: Konva.KonvaEventObject<MouseEvent>, cursor: string) {
  const c = e.target.getStage()?.container();
  if (c) c.style.cursor = cursor;
}
