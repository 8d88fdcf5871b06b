/**
 * Numbers a request's schema validation lets through infinite. Ajv (8.x, `coerceTypes`) turns the
 * text "1e309", "Infinity" or "-1e309" of a query string, a path or a JSON string into ±Infinity
 * for an integer or number field and then skips `minimum` and `maximum` (it tests them on finite
 * numbers only): `?limit=1e309` reached SQLite as Infinity ("datatype mismatch", a 500) and
 * `?days=1e309` a date formatter. The app's pre-handler refuses them with a 400 naming the field.
 */

/** A JSON-schema property's bounds, for the message. */
interface Bounds {
  minimum?: unknown;
  maximum?: unknown;
}

/** The first value of `parts` that is a number but not finite, as a field path (`querystring/limit`, `body/hand/in`), or null. */
export function nonFiniteField(parts: Readonly<Record<string, unknown>>): string[] | null {
  // Iterative, each entry linked to its parent: a body may nest as deep as its schema lets it, and
  // this must neither overflow the stack nor copy a deep path at every level.
  interface Entry {
    value: unknown;
    key: string;
    parent: Entry | null;
  }
  const stack: Entry[] = Object.entries(parts).map(([key, value]) => ({ value, key, parent: null }));
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (typeof e.value === "number") {
      if (Number.isFinite(e.value)) continue;
      const path: string[] = [];
      for (let p: Entry | null = e; p; p = p.parent) path.push(p.key);
      return path.reverse();
    }
    if (e.value !== null && typeof e.value === "object") for (const [key, value] of Object.entries(e.value)) stack.push({ value, key, parent: e });
  }
  return null;
}

/** The 400 message for `field` (from {@link nonFiniteField}), with the bounds its schema gives when it gives them. */
export function nonFiniteMessage(field: readonly string[], schema: unknown): string {
  let s: unknown = schema;
  for (const key of field.slice(1)) s = (s as { properties?: Record<string, unknown> } | undefined)?.properties?.[key];
  const { minimum, maximum } = (s ?? {}) as Bounds;
  const bounds =
    typeof minimum === "number" && typeof maximum === "number"
      ? ` from ${minimum} to ${maximum}`
      : typeof minimum === "number"
        ? ` of at least ${minimum}`
        : typeof maximum === "number"
          ? ` of at most ${maximum}`
          : "";
  return `${field.join("/")} must be a finite number${bounds} (1e309, Infinity and the like are not)`;
}
