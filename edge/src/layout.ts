import { layoutProblems, layoutValidator, parseJson, type Layout, type Result } from "@footfall/core";

/**
 * Decode a retained layout message for `store`: JSON, core's layout schema, the store id,
 * then the geometry checks (polygons simple and on the floor). Errors say what is wrong.
 */
export function decodeLayout(payload: string, store: string): Result<Layout> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  const parsed = layoutValidator.parse(json.value);
  if (!parsed.ok) return { ok: false, error: `schema: ${parsed.error}` };
  if (parsed.value.store !== store) return { ok: false, error: `layout is for store "${parsed.value.store}", not "${store}"` };
  const layout = parsed.value as unknown as Layout; // ids checked by the schema; brands are compile-time only
  const problems = layoutProblems(layout);
  if (problems.length > 0) return { ok: false, error: problems.slice(0, 3).join("; ") };
  return { ok: true, value: layout };
}

/** The store's current layout and who wants to hear of a new one. */
export class LayoutHub {
  private value: Layout | null = null;
  private readonly listeners = new Set<(layout: Layout) => void>();

  /** The latest layout, or null until one arrives. */
  current(): Layout | null {
    return this.value;
  }

  /** Replace the layout and tell every listener (a throwing listener does not stop the others). */
  set(layout: Layout, onListenerError?: (err: unknown) => void): void {
    this.value = layout;
    for (const listener of [...this.listeners]) {
      try {
        listener(layout);
      } catch (err) {
        onListenerError?.(err);
      }
    }
  }

  /** Listen for new layouts; returns the unsubscribe function. */
  subscribe(listener: (layout: Layout) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
