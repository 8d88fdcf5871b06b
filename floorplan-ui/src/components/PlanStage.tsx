/**
 * The floor plan: one Konva Stage carrying the one transform (scale + offset) from metres to
 * pixels; everything inside is drawn in metres. Pan by dragging, zoom with the wheel, a pinch or
 * the buttons. Children get the viewport to size strokes and labels in pixels.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { Image as KImage, Layer, Rect, Stage } from "./konva.js";
import type Konva from "konva";
import { fitViewport, toFloor, wheelFactor, zoomAt, type Viewport } from "../model/viewport.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useImage } from "../hooks/useImage.js";
import { usePlanFont } from "./fonts.js";

export interface PlanStageProps {
  floor: { width: number; height: number; image?: string };
  /** Konva nodes in metres; called again when the viewport changes. */
  children: (viewport: Viewport) => ReactNode;
  /** A click or tap on the plan (not ending a pan), in metres. */
  onFloorClick?: (point: [number, number]) => void;
  /** The pointer's position in metres, or null when it leaves. */
  onFloorMove?: (point: [number, number] | null) => void;
  /** Pan and zoom (default on). */
  interactive?: boolean;
  cursor?: string;
  /** HTML drawn over the plan (tooltips). */
  overlay?: ReactNode;
  padding?: number;
  label?: string;
  /** Told whenever the viewport changes (e.g. to size hit radii in metres). */
  onViewport?: (viewport: Viewport) => void;
}

export function PlanStage({ floor, children, onFloorClick, onFloorMove, interactive = true, cursor, overlay, padding = 24, label = "Floor plan", onViewport }: PlanStageProps) {
  const box = useRef<HTMLDivElement>(null);
  const size = useElementSize(box);
  // By the sizes, not the objects: a parent passes a new floor object on every render.
  const { width: floorWidth, height: floorHeight } = floor;
  const { width: boxWidth, height: boxHeight } = size;
  const fitted = useMemo(
    () => fitViewport({ width: floorWidth, height: floorHeight }, { width: boxWidth, height: boxHeight }, padding),
    [floorWidth, floorHeight, boxWidth, boxHeight, padding],
  );
  // The fitted view, or the one a person panned or zoomed to from it. Derived in the render, not
  // copied in by an effect: a Stage just resized must never draw with the previous size's fit
  // (an effect runs after the paint, and a busy tablet showed the plan tiny in a corner meanwhile).
  // A new size or floor fits again, as it always did.
  const [moved, setMoved] = useState<{ from: Viewport; to: Viewport } | null>(null);
  const viewport = moved && moved.from === fitted ? moved.to : fitted;
  const setViewport = useCallback(
    (next: Viewport | ((v: Viewport) => Viewport)) =>
      setMoved((m) => ({ from: fitted, to: typeof next === "function" ? next(m && m.from === fitted ? m.to : fitted) : next })),
    [fitted],
  );
  useEffect(() => onViewport?.(viewport), [viewport, onViewport]);
  const drawn = size.width > 0 && size.height > 0;
  useEffect(() => {
    // For the UI bench (test/bench/ui-bench.mjs): when a plan first reached the screen.
    if (drawn) requestAnimationFrame(() => performance.mark("footfall:plan-drawn"));
  }, [drawn]);
  const image = useImage(floor.image);
  // Labels are measured in the shipped font: draw them again once it has loaded.
  usePlanFont();
  const pinch = useRef<{ dist: number; centre: [number, number] } | null>(null);

  const zoomBy = useCallback(
    (factor: number, at?: [number, number]) => setViewport((v) => zoomAt(v, at ?? [size.width / 2, size.height / 2], factor, fitted.scale)),
    [size.width, size.height, fitted.scale, setViewport],
  );

  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    if (!interactive) return;
    e.evt.preventDefault();
    const p = e.target.getStage()?.getPointerPosition();
    if (p) zoomBy(wheelFactor(e.evt.deltaY), [p.x, p.y]);
  };
  const onTouchMove = (e: Konva.KonvaEventObject<TouchEvent>) => {
    const t = e.evt.touches;
    if (!interactive || t.length !== 2) return;
    e.evt.preventDefault();
    const stage = e.target.getStage();
    const rect = stage?.container().getBoundingClientRect();
    if (!stage || !rect) return;
    if (stage.isDragging()) stage.stopDrag();
    const a = t[0]!, b = t[1]!;
    const dist = Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY);
    const centre: [number, number] = [(a.clientX + b.clientX) / 2 - rect.left, (a.clientY + b.clientY) / 2 - rect.top];
    if (pinch.current) zoomBy(dist / pinch.current.dist, centre);
    pinch.current = { dist, centre };
  };
  const pointerFloor = (stage: Konva.Stage | null): [number, number] | null => {
    const p = stage?.getPointerPosition();
    return p ? toFloor(viewport, [p.x, p.y]) : null;
  };

  return (
    <div
      ref={box}
      className="plan"
      data-testid="plan"
      data-scale={viewport.scale}
      data-x={viewport.x}
      data-y={viewport.y}
      style={cursor ? { cursor } : undefined}
    >
      {/* The drawing is one image to assistive technology; each view gives its figures as a list or table beside it. */}
      <div className="plan-canvas" role="img" aria-label={label} />
      {size.width > 0 && size.height > 0 && (
        <Stage
          width={size.width}
          height={size.height}
          scaleX={viewport.scale}
          scaleY={viewport.scale}
          x={viewport.x}
          y={viewport.y}
          draggable={interactive}
          dragDistance={4}
          onDragEnd={(e) => {
            if (e.target === e.target.getStage()) setViewport((v) => ({ ...v, x: e.target.x(), y: e.target.y() }));
          }}
          onWheel={onWheel}
          onTouchMove={onTouchMove}
          onTouchEnd={() => (pinch.current = null)}
          onClick={(e) => {
            if (e.evt.button !== 0) return;
            const p = pointerFloor(e.target.getStage());
            if (p && onFloorClick) onFloorClick(p);
          }}
          onTap={(e) => {
            const p = pointerFloor(e.target.getStage());
            if (p && onFloorClick) onFloorClick(p);
          }}
          onMouseMove={onFloorMove ? (e) => onFloorMove(pointerFloor(e.target.getStage())) : undefined}
          onMouseLeave={onFloorMove ? () => onFloorMove(null) : undefined}
        >
          <Layer>
            <Rect x={0} y={0} width={floor.width} height={floor.height} fill="#ffffff" stroke="#94a3b8" strokeWidth={1.5} strokeScaleEnabled={false} shadowColor="#0f172a" shadowOpacity={0.08} shadowBlur={12} shadowForStrokeEnabled={false} listening={false} />
            {image.status === "ok" && <KImage image={image.image} x={0} y={0} width={floor.width} height={floor.height} opacity={0.55} listening={false} />}
            {children(viewport)}
          </Layer>
        </Stage>
      )}
      {interactive && (
        <div className="plan-tools">
          <button type="button" className="btn" aria-label="Zoom in" title="Zoom in" onClick={() => zoomBy(1.4)}>+</button>
          <button type="button" className="btn" aria-label="Zoom out" title="Zoom out" onClick={() => zoomBy(1 / 1.4)}>−</button>
          <button type="button" className="btn" aria-label="Fit to screen" title="Fit to screen" onClick={() => setViewport(fitted)}>⤢</button>
        </div>
      )}
      {image.status === "error" && <div className="plan-note">Background image could not be loaded.</div>}
      {overlay}
    </div>
  );
}
