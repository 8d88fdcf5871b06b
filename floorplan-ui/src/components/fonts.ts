/**
 * The font the app ships (Inter, latin, 400 to 700) and text measured in it. Plans draw their labels
 * on a canvas: laying them out needs their real width, so the plan's labels wait for the font and
 * measure with the same one they are drawn in, whatever fonts the tablet has.
 */
import "@fontsource/inter/latin-400.css";
import "@fontsource/inter/latin-500.css";
import "@fontsource/inter/latin-600.css";
import "@fontsource/inter/latin-700.css";
import { useEffect, useState } from "react";
import type { Measure } from "../model/labels.js";

export const PLAN_FONT = "Inter";
const WEIGHTS = [400, 500, 600, 700];

let ctx: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();

/** The width in px of `text` drawn in the plan's font (cached: labels are measured on every frame of a pan). */
export const measureText: Measure = (text, size, weight) => {
  const key = `${weight}|${size}|${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    ctx ??= document.createElement("canvas").getContext("2d");
    if (!ctx) return text.length * size * 0.6;
    ctx.font = `${weight} ${size}px ${PLAN_FONT}, sans-serif`;
    w = ctx.measureText(text).width;
    if (widths.size > 20_000) widths.clear();
    widths.set(key, w);
  }
  return w;
};

let ready: Promise<void> | null = null;
let loaded = false;

/** Loads the plan font's weights once. */
export function loadPlanFont(): Promise<void> {
  ready ??= Promise.all(WEIGHTS.map((w) => document.fonts.load(`${w} 16px ${PLAN_FONT}`)))
    .then(() => {
      loaded = true;
      widths.clear();
    })
    .catch(() => {
      loaded = true; // drawn in a fallback font, measured in it too
    });
  return ready;
}

/** Whether the plan font is ready; re-renders once it is. */
export function usePlanFont(): boolean {
  const [ok, setOk] = useState(loaded);
  useEffect(() => {
    if (ok) return;
    let live = true;
    void loadPlanFont().then(() => live && setOk(true));
    return () => {
      live = false;
    };
  }, [ok]);
  return ok;
}
