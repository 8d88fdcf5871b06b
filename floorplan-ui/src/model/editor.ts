/**
 * The layout editor's scene and its named actions (Excalidraw's `actions/` habit): a draft layout
 * in metres, the selection, the polygon being drawn, and undo/redo. Every change goes through
 * `editorReducer`; invalid polygons are refused with core's `layoutProblems` message.
 */
import { ID_RULE, isId, isTimeZone, layoutInputValidator, layoutProblems, LIMITS, overlapArea, shownName, polygonBounds, polygonWithin, zoneIdFromName, type FloorPoint, type Layout, type LayoutInput, type Zone, type ZoneId, type ZoneKind, type ZoneUsed } from "@footfall/core";
import { roundTo, snapCorner, snapMove, SNAP_M, type SnapSettings } from "./snap.js";

export interface Floor {
  width: number;
  height: number;
  image?: string;
}
export interface Draft {
  name?: string;
  timezone: string;
  /** ISO 4217 code of the store's sales (`EUR`), shown with amounts. */
  currency?: string;
  floor: Floor;
  zones: Zone[];
}
export interface Message {
  tone: "error" | "info";
  text: string;
}
export interface EditorState {
  store: string;
  /** The version the draft started from (null for a store without a layout yet). */
  version: number | null;
  draft: Draft;
  /** The draft as last loaded or saved, to tell unsaved changes. */
  saved: Draft;
  selected: string | null;
  /** Corners placed so far while drawing a new zone; null when not drawing. */
  drawing: FloorPoint[] | null;
  /** The draft before the corner drag in progress. */
  gesture: Draft | null;
  message: Message | null;
  past: Draft[];
  future: Draft[];
  /** The zone the last undo step moved or resized by an arrow key: a held key's repeats join that step. */
  keyed?: string | null;
  /** Every zone id the store's saved versions had (GET .../layouts' zones): a new zone takes none of them. */
  used?: readonly string[];
}

export type EditorAction =
  | { type: "load"; store: string; layout: Layout | null; timezone?: string }
  | { type: "saved"; layout: Layout }
  | { type: "setFloor"; floor: Partial<Floor> }
  | { type: "setTimezone"; timezone: string }
  | { type: "setCurrency"; currency: string }
  | { type: "setName"; name: string }
  | { type: "startDrawing" }
  | { type: "cancelDrawing" }
  | { type: "addCorner"; point: readonly [number, number]; closeRadius: number }
  | { type: "removeLastCorner" }
  | { type: "finishDrawing" }
  | { type: "dragCorner"; zone: string; index: number; point: readonly [number, number]; snap?: SnapSettings }
  /** The zone dragged by its body: `delta` (metres) from where the drag began. */
  | { type: "moveZone"; zone: string; delta: readonly [number, number]; snap: SnapSettings }
  | { type: "endDrag" }
  | { type: "insertCorner"; zone: string; after: number; point: readonly [number, number] }
  | { type: "deleteCorner"; zone: string; index: number }
  | { type: "updateZone"; zone: string; changes: { id?: string; name?: string; kind?: ZoneKind; capacity?: number | null; queueFor?: string | null } }
  | { type: "deleteZone"; zone: string }
  /** The zone's bounding box set (metres): moved by x/y, stretched from its top-left corner by w/h (keyboard and the X/Y/W/H fields). */
  /** `held`: an arrow key's auto-repeat, which joins the step its first press made. */
  | { type: "setBounds"; zone: string; bounds: Partial<Bounds>; held?: boolean }
  | { type: "select"; zone: string | null }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "notify"; message: Message }
  /** The zone ids the store's saved versions have had (read after the layout). */
  | { type: "zonesUsed"; ids: readonly string[] }
  | { type: "dismiss" };

export interface Bounds {
  x: number;
  y: number;
  w: number;
  h: number;
}

const HISTORY = 100;
export { SNAP_M };

export const EMPTY_FLOOR: Floor = { width: 30, height: 20 };

export function snap(v: number): number {
  return roundTo(v, SNAP_M);
}
const snapPoint = (p: readonly [number, number]): FloorPoint => [snap(p[0]), snap(p[1])] as FloorPoint;

export function initialEditor(store: string, layout: Layout | null, timezone = "UTC"): EditorState {
  const draft: Draft = layout
    ? { ...(layout.name ? { name: layout.name } : {}), timezone: layout.timezone, ...(layout.currency ? { currency: layout.currency } : {}), floor: { ...layout.floor }, zones: layout.zones }
    : { timezone, floor: EMPTY_FLOOR, zones: [] };
  return { store, version: layout?.version ?? null, draft, saved: draft, selected: null, drawing: null, gesture: null, message: null, past: [], future: [] };
}

/**
 * The time zone the editor reads and writes its times in ("Valid from", the versions' dates): the
 * draft's, else, while its Time zone field holds no time zone (cleared, "Europe/Pari": listed under
 * "Fix before saving", so nothing is saved in it), the one last loaded or saved, else UTC. Times
 * formatted in a zone that is none throw: a cleared Time zone took the whole editor down ("This view
 * failed: unknown time zone").
 */
export function editorTimeZone(s: Pick<EditorState, "draft" | "saved">): string {
  return [s.draft.timezone, s.saved.timezone].find((tz) => tz !== "" && isTimeZone(tz)) ?? "UTC";
}

/** A new draft on the undo stack; redo is forgotten. */
function commit(s: EditorState, draft: Draft, extra: Partial<EditorState> = {}): EditorState {
  return { ...s, draft, past: [...s.past, s.draft].slice(-HISTORY), future: [], message: null, ...extra };
}
const refuse = (s: EditorState, text: string): EditorState => ({ ...s, message: { tone: "error", text } });

/** Problems of one zone's polygon on the draft's floor, in layoutProblems' words (without the JSON path). */
export function polygonProblems(floor: Floor, zone: Zone): string[] {
  // The zone alone: problems of its polygon only (a queue's queueFor names zones this call leaves out).
  return layoutProblems({ timezone: "UTC", floor, zones: [zone] })
    .filter((p) => /^\/zones\/\d+\/polygon:/.test(p))
    .map(stripPath);
}
const stripPath = (p: string) => p.replace(/^\/[^:]*: /, "");

function replaceZone(draft: Draft, id: string, f: (z: Zone) => Zone): Draft {
  return { ...draft, zones: draft.zones.map((z) => (z.id === id ? f(z) : z)) };
}

/** The lowest free `zone-N` id and its name (free: in no zone of the draft, nor of any version saved: `used`, core zonesUsed). */
export function newZoneId(zones: readonly Zone[], used: Iterable<string> = []): { id: ZoneId; name: string } {
  const taken = new Set([...zones.map((z) => z.id as string), ...used]);
  let n = zones.length + 1;
  while (taken.has(`zone-${n}`)) n++;
  return { id: `zone-${n}` as ZoneId, name: `Zone ${n}` };
}

/**
 * An id made from a zone's name (`Fruit & veg` → `fruit-veg`, core zoneIdFromName), unique among `zones` but `self` and
 * among the ids any saved version had (`used`): a new “Coffee bar” drawn after the old one was removed is `coffee-bar-2`,
 * with figures of its own, not the old zone's history; null if nothing is left.
 */
export function slugId(name: string, zones: readonly Zone[], self?: string, used: Iterable<string> = []): string | null {
  return zoneIdFromName(name, new Set([...zones.filter((z) => z.id !== self).map((z) => z.id as string), ...[...used].filter((id) => id !== self)]));
}

/**
 * A zone of an earlier version that a new zone of the draft is named like (or whose id its name makes), and which the
 * draft no longer has: the editor offers to bring it back (its id, so its visits, dwell and paths carry on), else the
 * new zone starts its own. Null when there is none.
 */
export function removedLike(zone: Zone, draft: readonly Zone[], used: readonly ZoneUsed[]): ZoneUsed | null {
  const key = (s: string) => s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
  const slug = zoneIdFromName(zone.name, new Set());
  const gone = used.filter((u) => u.id !== zone.id && !draft.some((z) => z.id === u.id));
  return gone.find((u) => key(u.name) === key(zone.name)) ?? gone.find((u) => u.id === slug) ?? null;
}

/**
 * The zone of an earlier version whose id `id` is, typed by hand for the new zone `self`, when the draft no longer has
 * it (`used`: GET .../layouts' zones): saved so, the new zone would be that zone back, its visits, dwell, paths and
 * experiments carrying on, so the form asks first. Null for an id no version had, the zone's own, or one in the draft.
 */
export function removedById(id: string, self: string, draft: readonly Zone[], used: readonly ZoneUsed[]): ZoneUsed | null {
  if (id === self || draft.some((z) => z.id === id)) return null;
  return used.find((u) => u.id === id) ?? null;
}

/**
 * `id`, or when it is `taken` (the draft's other zones, every id a saved version had) `id-2`, `id-3`...: the id a zone
 * typed as `id` gets to start its own history. Kept to the 64 characters of an id, the suffix whole.
 */
export function freeIdLike(id: string, taken: ReadonlySet<string>): string {
  if (!isId(id)) return id;
  let free = id;
  for (let n = 2; taken.has(free) || !isId(free); n++) free = `${id.slice(0, 63 - String(n).length).replace(/[-_]+$/, "")}-${n}`;
  return free;
}

/** Whether a zone still has the id the editor gave it (so renaming it may rename the id too). */
export const hasDrawnId = (id: string): boolean => /^zone-\d+$/.test(id);

export function editorReducer(s: EditorState, a: EditorAction): EditorState {
  const next = reduce(s, a);
  // Only a step made by an arrow key (setBounds from arrowKeyAction) can be joined by its repeats.
  return next.keyed && !(a.type === "setBounds" && a.held !== undefined) ? { ...next, keyed: null } : next;
}

function reduce(s: EditorState, a: EditorAction): EditorState {
  switch (a.type) {
    case "load":
      return initialEditor(a.store, a.layout, a.timezone);
    case "saved": {
      const draft: Draft = { ...s.draft };
      return { ...s, version: a.layout.version, saved: draft, draft, message: { tone: "info", text: `Saved as version ${a.layout.version}.` } };
    }
    case "setFloor": {
      const floor = { ...s.draft.floor, ...a.floor };
      if (!(floor.width > 0 && floor.height > 0)) return refuse(s, "The floor needs a width and a height above 0 m.");
      if (floor.image === "") delete floor.image;
      return commit(s, { ...s.draft, floor });
    }
    case "setTimezone":
      return commit(s, { ...s.draft, timezone: a.timezone });
    case "setCurrency": {
      const currency = a.currency.trim().toUpperCase();
      if (currency && !/^[A-Z]{3}$/.test(currency)) return refuse(s, `“${a.currency}” is not a currency code: three letters such as EUR, GBP or USD.`);
      const { currency: _old, ...rest } = s.draft;
      return commit(s, currency ? { ...rest, currency } : rest);
    }
    case "setName":
      return commit(s, { ...s.draft, ...(a.name ? { name: a.name } : { name: undefined }) });
    case "startDrawing":
      return { ...s, drawing: [], selected: null, message: { tone: "info", text: "Click the corners of the new zone; click the first corner (or press Enter) to finish." } };
    case "cancelDrawing":
      return { ...s, drawing: null, message: null };
    case "addCorner": {
      if (!s.drawing) return s;
      const first = s.drawing[0];
      if (first && s.drawing.length >= 3 && Math.hypot(a.point[0] - first[0], a.point[1] - first[1]) <= a.closeRadius) {
        return editorReducer(s, { type: "finishDrawing" });
      }
      const p = snapPoint(a.point);
      if (!polygonWithin([p], s.draft.floor.width, s.draft.floor.height)) {
        return refuse(s, `That corner (${p[0]}, ${p[1]} m) is outside the floor (0..${s.draft.floor.width} x 0..${s.draft.floor.height} m).`);
      }
      const last = s.drawing.at(-1);
      if (last && last[0] === p[0] && last[1] === p[1]) return s;
      return { ...s, drawing: [...s.drawing, p], message: null };
    }
    case "removeLastCorner":
      return s.drawing ? { ...s, drawing: s.drawing.slice(0, -1), message: null } : s;
    case "finishDrawing": {
      if (!s.drawing) return s;
      if (s.drawing.length < 3) return refuse(s, "A zone needs at least 3 corners.");
      const { id, name } = newZoneId(s.draft.zones, s.used);
      const zone: Zone = { id, name, kind: "zone", polygon: s.drawing };
      const problems = polygonProblems(s.draft.floor, zone);
      if (problems.length) return refuse(s, `Not added: ${problems.join("; ")}`);
      return commit(s, { ...s.draft, zones: [...s.draft.zones, zone] }, { drawing: null, selected: id });
    }
    case "dragCorner": {
      const base = s.gesture ?? s.draft;
      const others = a.snap ? otherPolygons(base, a.zone) : [];
      const point = a.snap ? snapCorner(a.point, others, a.snap) : snapPoint(a.point);
      const draft = replaceZone(s.draft, a.zone, (z) => ({ ...z, polygon: z.polygon.map((p, i) => (i === a.index ? point : p)) }));
      return { ...s, draft, gesture: base, selected: a.zone };
    }
    case "moveZone": {
      const base = s.gesture ?? s.draft;
      const zone = base.zones.find((z) => z.id === a.zone);
      if (!zone) return s;
      const [dx, dy] = snapMove(zone.polygon, a.delta, otherPolygons(base, a.zone), a.snap);
      const polygon = zone.polygon.map(([x, y]) => [roundTo(x + dx, 0.001), roundTo(y + dy, 0.001)] as FloorPoint);
      const draft = replaceZone(base, a.zone, (z) => (dx === 0 && dy === 0 ? z : { ...z, polygon }));
      return { ...s, draft, gesture: base, selected: a.zone };
    }
    case "endDrag": {
      if (!s.gesture) return s;
      const moved = s.draft.zones.find((z) => s.gesture!.zones.find((g) => g.id === z.id) !== z);
      const problems = moved ? polygonProblems(s.draft.floor, moved) : [];
      if (problems.length) return { ...s, draft: s.gesture, gesture: null, message: { tone: "error", text: `Move undone: ${problems.join("; ")}` } };
      if (!moved) return { ...s, draft: s.gesture, gesture: null };
      return { ...commit({ ...s, draft: s.gesture }, s.draft), gesture: null };
    }
    case "insertCorner": {
      const p = snapPoint(a.point);
      return commit(s, replaceZone(s.draft, a.zone, (z) => ({ ...z, polygon: [...z.polygon.slice(0, a.after + 1), p, ...z.polygon.slice(a.after + 1)] })));
    }
    case "deleteCorner": {
      const zone = s.draft.zones.find((z) => z.id === a.zone);
      if (!zone) return s;
      if (zone.polygon.length <= 3) return refuse(s, "A zone needs at least 3 corners.");
      const next = { ...zone, polygon: zone.polygon.filter((_, i) => i !== a.index) };
      const problems = polygonProblems(s.draft.floor, next);
      if (problems.length) return refuse(s, `Corner kept: ${problems.join("; ")}`);
      return commit(s, replaceZone(s.draft, a.zone, () => next));
    }
    case "updateZone": {
      const { id, ...rest } = a.changes;
      if (id !== undefined && id !== a.zone) {
        if (!isId(id)) return refuse(s, `Zone id "${id}" is not valid: ${ID_RULE}.`);
        if (s.draft.zones.some((z) => z.id === id)) return refuse(s, `Zone id "${id}" is already used.`);
      }
      if (rest.capacity !== undefined && rest.capacity !== null && !(Number.isInteger(rest.capacity) && rest.capacity >= 0)) {
        return refuse(s, "Capacity is a whole number of people, 0 or more (leave it empty for no limit).");
      }
      const draft = replaceZone(s.draft, a.zone, (z) => {
        const next: Zone = { ...z, ...(id ? { id: id as ZoneId } : {}) };
        // " Fruit " and "Fruit" would show alike and count as two names; a name of spaces only is no name.
        if (rest.name !== undefined) next.name = rest.name.trim();
        if (rest.kind !== undefined) next.kind = rest.kind;
        if (rest.capacity === null) delete next.capacity;
        else if (rest.capacity !== undefined) next.capacity = rest.capacity;
        // Only a queue names the zone it queues for.
        if (rest.queueFor === null || next.kind !== "queue") delete next.queueFor;
        else if (rest.queueFor !== undefined) next.queueFor = rest.queueFor;
        return next;
      });
      // A renamed zone: the queues that queue for it follow.
      const renamed = id && id !== a.zone ? { ...draft, zones: draft.zones.map((z) => (z.queueFor === a.zone ? { ...z, queueFor: id } : z)) } : draft;
      return commit(s, renamed, { selected: id ?? a.zone });
    }
    case "deleteZone": {
      const zone = s.draft.zones.find((z) => z.id === a.zone);
      if (!zone) return s;
      return commit(s, { ...s.draft, zones: s.draft.zones.filter((z) => z.id !== a.zone) }, {
        selected: null,
        message: { tone: "info", text: `Zone “${shownName(zone.name) || zone.id}” deleted. Undo (Ctrl+Z) brings it back.` },
      });
    }
    case "setBounds": {
      const zone = s.draft.zones.find((z) => z.id === a.zone);
      if (!zone) return s;
      const next = withBounds(zone, a.bounds);
      if (typeof next === "string") return refuse(s, next);
      if (next === zone) return s;
      const problems = polygonProblems(s.draft.floor, next);
      if (problems.length) return refuse(s, `${a.bounds.w !== undefined || a.bounds.h !== undefined ? "Not resized" : "Not moved"}: ${problems.join("; ")}`);
      const draft = replaceZone(s.draft, a.zone, () => next);
      const keyed = a.held !== undefined ? a.zone : null;
      // A held arrow key moves the zone many times: one undo step for the whole hold.
      if (a.held && s.keyed === a.zone) return { ...s, draft, future: [], message: null, selected: a.zone, keyed };
      return commit(s, draft, { selected: a.zone, keyed });
    }
    case "select":
      return { ...s, selected: a.zone };
    case "zonesUsed":
      return { ...s, used: a.ids };
    case "undo": {
      const prev = s.past.at(-1);
      if (!prev || s.drawing) return s;
      return { ...s, draft: prev, past: s.past.slice(0, -1), future: [s.draft, ...s.future], message: null, selected: keepSelection(prev, s.selected) };
    }
    case "redo": {
      const next = s.future[0];
      if (!next || s.drawing) return s;
      return { ...s, draft: next, past: [...s.past, s.draft], future: s.future.slice(1), message: null, selected: keepSelection(next, s.selected) };
    }
    case "notify":
      return { ...s, message: a.message };
    case "dismiss":
      return { ...s, message: null };
  }
}

/** A zone's bounding box, in metres (to the millimetre). */
export function zoneBounds(zone: Pick<Zone, "polygon">): Bounds {
  const { minX, minY, maxX, maxY } = polygonBounds(zone.polygon);
  return { x: roundTo(minX, 0.001), y: roundTo(minY, 0.001), w: roundTo(maxX - minX, 0.001), h: roundTo(maxY - minY, 0.001) };
}

/**
 * The zone with its bounding box set to `bounds` (the parts given): every corner moved by the change
 * of x/y and stretched from the box's top-left by the change of w/h, to the millimetre. The same zone
 * when nothing changes; a message when a value is not a number or a size is not above 0.
 */
export function withBounds<Z extends Pick<Zone, "polygon">>(zone: Z, bounds: Partial<Bounds>): Z | string {
  const old = zoneBounds(zone);
  const want = { ...old, ...bounds };
  for (const k of ["x", "y", "w", "h"] as const) if (!Number.isFinite(want[k])) return `${k.toUpperCase()} must be a number of metres.`;
  if (!(want.w >= 0.1 && want.h >= 0.1)) return "A zone is at least 0.1 m wide and 0.1 m high.";
  if (want.x === old.x && want.y === old.y && want.w === old.w && want.h === old.h) return zone;
  const sx = old.w > 0 ? want.w / old.w : 1, sy = old.h > 0 ? want.h / old.h : 1;
  const polygon = zone.polygon.map(([x, y]) => [roundTo(want.x + (x - old.x) * sx, 0.001), roundTo(want.y + (y - old.y) * sy, 0.001)] as FloorPoint);
  return { ...zone, polygon };
}

/** Metres a key press moves or resizes the selected zone by: the corner grid, or 1 m with Shift. */
export const KEY_STEP_M = SNAP_M;
export const KEY_STEP_SHIFT_M = 1;

/**
 * What an arrow key does to the selected zone: Arrow moves it, Ctrl/Cmd+Arrow resizes it (Right and
 * Down make it wider and taller, Left and Up narrower and lower), by KEY_STEP_M, or 1 m with Shift.
 * Null for any other key.
 */
export function arrowKeyAction(zone: Zone, key: string, mods: { shift: boolean; ctrl: boolean; repeat?: boolean }): Extract<EditorAction, { type: "setBounds" }> | null {
  const dir: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  const d = dir[key];
  if (!d) return null;
  const step = mods.shift ? KEY_STEP_SHIFT_M : KEY_STEP_M;
  const b = zoneBounds(zone);
  const bounds: Partial<Bounds> = mods.ctrl
    ? d[0] !== 0 ? { w: roundTo(b.w + d[0] * step, 0.001) } : { h: roundTo(b.h + d[1] * step, 0.001) }
    : d[0] !== 0 ? { x: roundTo(b.x + d[0] * step, 0.001) } : { y: roundTo(b.y + d[1] * step, 0.001) };
  return { type: "setBounds", zone: zone.id, bounds, held: mods.repeat ?? false };
}

const otherPolygons = (draft: Draft, zone: string) => draft.zones.filter((z) => z.id !== zone).map((z) => z.polygon);

function keepSelection(draft: Draft, selected: string | null): string | null {
  return selected && draft.zones.some((z) => z.id === selected) ? selected : null;
}

export const isDirty = (s: EditorState): boolean => s.draft !== s.saved;
export const canUndo = (s: EditorState): boolean => s.past.length > 0 && !s.drawing;
export const canRedo = (s: EditorState): boolean => s.future.length > 0 && !s.drawing;

/**
 * The version that would take over from a new one valid from `validFrom`: the earliest saved version
 * that starts after it. Analytics and the live view use the version in force at each time, so a
 * layout saved from before such a version is in force only until it starts, and the store goes back
 * to that version then (a change "from Wednesday" saved under one already "from Thursday"). Null when
 * the new version would be the current one.
 */
export function supersededBy<V extends { version: number; validFrom: number }>(versions: readonly V[], validFrom: number): V | null {
  let first: V | null = null;
  for (const v of versions) if (v.validFrom > validFrom && (!first || v.validFrom < first.validFrom)) first = v;
  return first;
}

/**
 * The version saved for later the editor corrects, from its route's `edit` param (`#/editor/shop?edit=3`): a
 * version number, else null (the editor edits the version in force and saves a new one).
 */
export function editParam(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9][0-9]{0,8}$/.test(value)) return null;
  return Number(value);
}

/** The body of `PUT /stores/:store/layout`. */
export function toLayoutInput(draft: Draft, validFrom: number): LayoutInput {
  return { ...(draft.name ? { name: draft.name } : {}), validFrom, timezone: draft.timezone, ...(draft.currency ? { currency: draft.currency } : {}), floor: draft.floor, zones: draft.zones };
}

export interface Problem {
  /** The zone it is about, when it is about one. */
  zone: string | null;
  text: string;
}
/** Everything that would make the server refuse the draft: the schema's checks (a name's characters among them) and layoutProblems'. */
export function draftProblems(draft: Draft): Problem[] {
  const input = toLayoutInput(draft, 0);
  const own = layoutProblems(input);
  // A time zone the schema finds empty or too long ("Expected string length greater or equal to 1") is no
  // time zone at all: layoutProblems says so, and plainWords once in the words of the form's Time zone field.
  const schema = layoutInputValidator.problems(input, 10).filter((p) => !(p.startsWith("/timezone:") && own.some((o) => o.startsWith("/timezone:"))));
  const raw = [...schema, ...own];
  return [...new Set(raw.map(plainWords))].map((p) => {
    const m = /^\/zones\/(\d+)/.exec(p);
    const zone = m ? (draft.zones[Number(m[1])] ?? null) : null;
    // A name the rule refuses (core names.ts: "holds U+001B (ESC, a control character) ...") is shown with the character written out.
    return { zone: zone?.id ?? null, text: zone ? `${shownName(zone.name) || zone.id}: ${stripPath(p)}` : p.replace(/^\/?/, "") };
  });
}

/**
 * What the server would refuse in the toolbar's "Valid from", in its words: no date and time (the field
 * cleared), or a time outside what a layout version may start from, 1970 (0: since always) to before
 * 2100 (the server's 400 says "body/validFrom ... epoch milliseconds before 2100-01-01"). Listed with
 * draftProblems under "Fix before saving".
 */
export function validFromProblems(validFrom: number | null): Problem[] {
  const text =
    validFrom === null
      ? "Valid from: no date and time is set: choose when this version takes effect"
      : validFrom >= LIMITS.maxTs
        ? "Valid from: a layout version takes effect before the year 2100 (1 Jan 2100, UTC); choose an earlier date"
        : validFrom < 0
          ? "Valid from: a layout version takes effect from 1970 on; choose a later date"
          : null;
  return text === null ? [] : [{ zone: null, text }];
}

/**
 * What the server would take but a store manager would regret: no zone of kind entrance (the store's
 * visitors, conversion, the chain overview and the digests count entrance zones: nothing from this
 * version on), and two zones of one name (the heatmap, reports and exports show zones by name, so the
 * two could not be told apart). Saving stays allowed.
 */
export function draftWarnings(draft: Draft): Problem[] {
  const out: Problem[] = [];
  if (draft.zones.length > 0 && !draft.zones.some((z) => z.kind === "entrance"))
    out.push({ zone: null, text: "No zone is an entrance: the store's visitors (Store enters, conversion, the chain overview, digests) count only entrance zones, so they would count nobody from this version on. Pick the zone at the door and set its Kind to Entrance." });
  const byName = new Map<string, Zone[]>();
  for (const z of draft.zones) {
    const key = z.name.trim().toLocaleLowerCase();
    if (key) byName.set(key, [...(byName.get(key) ?? []), z]);
  }
  for (const same of byName.values())
    if (same.length > 1)
      out.push({ zone: same[1]!.id, text: `${same.length} zones are named “${shownName(same[0]!.name)}” (${same.map((z) => z.id).join(", ")}): the heatmap, reports and exports show zones by name, so they could not be told apart. Give each its own name.` });
  return out;
}

/** The schema's words for a name's length ("Expected string length greater or equal to 1"), a queue's tills and the time zone, as a person would say them. */
function plainWords(problem: string): string {
  // A queue's tills, in the words of the form's "Queue for" field (the API's say "queueFor" and "zone ids").
  const queue = /^(\/zones\/\d+)\/queueFor: queue zone "[^"]*" (?:must name the zone it queues for|queues for "([^"]*)", which is not a zone of this layout)/.exec(problem);
  if (queue)
    return queue[2] === undefined
      ? `${queue[1]}/queueFor: a queue needs the zone people wait to be served in: choose it in its “Queue for” field (e.g. the checkout)`
      : `${queue[1]}/queueFor: it queues for “${queue[2]}”, which is no longer a zone of this layout: choose another in its “Queue for” field`;
  // The store's time zone, in the words of its Time zone field (the API's say "timezone" and "IANA").
  const tz = /^\/timezone: "(.*)" is not an IANA time zone/s.exec(problem);
  if (tz)
    return tz[1] === ""
      ? "Time zone: none is chosen: pick the store's in its Time zone field (e.g. Europe/Paris)"
      : `Time zone: “${tz[1]}” is not a time zone: pick one from its Time zone field's list (e.g. Europe/Paris)`;
  const m = /^((?:\/zones\/\d+)?)\/name: Expected string length (greater|less) or equal to (\d+)$/.exec(problem);
  if (!m) return problem;
  const zone = m[1] !== "";
  if (m[2] === "greater") return `${m[1]}/name: ${zone ? "the zone has no name; type one in its Name field" : "the store has no name"}`;
  return `${m[1]}/name: the name is longer than ${m[3]} characters; shorten it`;
}

export interface Overlap {
  a: Zone;
  b: Zone;
  /** Square metres the two zones share. */
  area: number;
}
/**
 * Pairs of zones that share floor (more than 0.01 m²: zones that only touch do not count). Saving
 * is allowed (a display inside a department may be meant), but the editor warns: a visitor inside
 * both is counted in both.
 */
export function zoneOverlaps(draft: Draft, minArea = 0.01): Overlap[] {
  const out: Overlap[] = [];
  const zones = draft.zones;
  for (let i = 0; i < zones.length; i++) {
    for (let j = i + 1; j < zones.length; j++) {
      const area = overlapArea(zones[i]!.polygon, zones[j]!.polygon);
      if (area > minArea) out.push({ a: zones[i]!, b: zones[j]!, area });
    }
  }
  return out;
}
