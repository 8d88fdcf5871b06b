/**
 * Text no database stores as sent. PostgreSQL refuses U+0000 in `text` and `jsonb` (a 500 on a
 * layout, group, token label, department or digest recipient; a failed status or audit write), and a
 * lone UTF-16 surrogate (JSON's `"\ud800"` without its other half) is not Unicode: `jsonb` refuses it
 * and `text` turns it into U+FFFD, so two different ids (`"v\ud800"`, `"v\udc00"`) became one row
 * and failed their whole commit. Such text is refused where it comes in: an HTTP request (400 naming
 * the field), a status or an audit (a `schema` reject), an event id or visitor id (that event's).
 */

/** A surrogate that is not part of a pair: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Any character that may be a flaw: a quick test that passes nearly all text (every event's id and visitor goes through it). */
// eslint-disable-next-line no-control-regex -- U+0000 is one of what it looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** What is wrong with `s` as stored text, and where: null when nothing is. */
export function textFlaw(s: string): { flaw: string; index: number } | null {
  if (!SUSPECT.test(s)) return null;
  const nul = s.indexOf("\u0000");
  if (nul >= 0) return { flaw: "holds U+0000 (a NUL character), which no database stores: remove it", index: nul };
  const lone = LONE_SURROGATE.exec(s);
  if (lone) {
    const code = lone[0].charCodeAt(0).toString(16).toUpperCase();
    return { flaw: `holds U+${code} alone (half of a UTF-16 surrogate pair), which is not text: send the whole character or remove it`, index: lone.index };
  }
  return null;
}

/** A string of a value (or one of its keys) that {@link textFlaw} refuses. */
export interface FlawedText {
  /** The keys from the top down to the string, or to the object whose key it is. */
  path: string[];
  /** The string is a key of the object at `path`, not a value. */
  key: boolean;
  flaw: string;
  /** Where in the string the flaw is. */
  index: number;
  text: string;
}

/** The first string value or key of `value` that {@link textFlaw} refuses, or null. Iterative: any depth, no recursion. */
export function flawedText(value: unknown, root: readonly string[] = []): FlawedText | null {
  interface Entry {
    value: unknown;
    key: string | null;
    parent: Entry | null;
  }
  const pathOf = (e: Entry): string[] => {
    const path: string[] = [];
    for (let p: Entry | null = e; p; p = p.parent) if (p.key !== null) path.push(p.key);
    return [...root, ...path.reverse()];
  };
  const stack: Entry[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (typeof e.value === "string") {
      const f = textFlaw(e.value);
      if (f) return { path: pathOf(e), key: false, ...f, text: e.value };
    } else if (e.value !== null && typeof e.value === "object") {
      for (const [key, v] of Object.entries(e.value)) {
        const f = textFlaw(key);
        if (f) return { path: pathOf(e), key: true, ...f, text: key };
        stack.push({ value: v, key, parent: e });
      }
    }
  }
  return null;
}

/**
 * The words for a {@link FlawedText}: `body/zones/0/name holds U+0000 (...)`, `a key of
 * body/departments holds ...`; a string over several lines (a CSV body) says on which line.
 */
export function flawedTextMessage(f: FlawedText): string {
  const where = f.path.join("/") || "/";
  const line = f.text.includes("\n") ? ` (line ${f.text.slice(0, f.index).split("\n").length})` : "";
  return `${f.key ? `a key of ${where}` : where}${line} ${f.flaw}`;
}
