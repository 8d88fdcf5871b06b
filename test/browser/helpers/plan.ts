import type { Locator, Page } from "playwright-core";

/** The plan's one transform, read from the attributes PlanStage publishes, plus where it sits on the page. */
export async function planTransform(page: Page, scope = "") {
  const plan = page.locator(`${scope} [data-testid="plan"]`.trim()).first();
  await plan.locator("canvas").first().waitFor();
  const box = (await plan.boundingBox())!;
  const [scale, x, y] = await Promise.all(["data-scale", "data-x", "data-y"].map(async (a) => Number(await plan.getAttribute(a))));
  return { box, scale: scale!, x: x!, y: y! };
}

/** Page coordinates of a floor point (metres). */
export async function pagePoint(page: Page, [fx, fy]: readonly [number, number], scope = ""): Promise<{ x: number; y: number }> {
  const t = await planTransform(page, scope);
  return { x: t.box.x + fx * t.scale + t.x, y: t.box.y + fy * t.scale + t.y };
}

/**
 * In the layout editor (open, its zone list shown): draws a new zone as a user does (Draw zone, then a click at each
 * corner and back on the first) in the shop layout's free aisle beside the fruit, 10.3-11.7 m by 12-15 m. Answers the
 * new zone's id field, once shown.
 */
export async function drawAisleZone(page: Page): Promise<Locator> {
  await page.getByTestId("draw-zone").click();
  for (const p of [[10.3, 12], [11.7, 12], [11.7, 15], [10.3, 15], [10.3, 12]] as const) {
    const q = await pagePoint(page, p);
    await page.mouse.click(q.x, q.y);
  }
  const id = page.getByTestId("zone-id");
  await id.waitFor();
  return id;
}

/** The colour (`#rrggbb`) the plan's canvas shows at a floor point. */
export async function canvasColourAt(page: Page, point: readonly [number, number], scope = ""): Promise<string> {
  const t = await planTransform(page, scope);
  const sx = point[0] * t.scale + t.x;
  const sy = point[1] * t.scale + t.y;
  return page.evaluate(
    ({ sx, sy, scope }) => {
      const canvas = document.querySelector(`${scope} [data-testid="plan"] canvas`.trim()) as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const [r, g, b] = canvas.getContext("2d")!.getImageData(Math.round(sx * ratio), Math.round(sy * ratio), 1, 1).data;
      return `#${[r, g, b].map((c) => c!.toString(16).padStart(2, "0")).join("")}`;
    },
    { sx, sy, scope },
  );
}

/** Colour distance (max channel difference, 0..255). */
export function colourDistance(a: string, b: string): number {
  const ch = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [ch(a), ch(b)];
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
}
