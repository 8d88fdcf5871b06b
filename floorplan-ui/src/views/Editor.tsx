/**
 * Layout editor (admin): floor size and background image, zones drawn by clicking their corners,
 * corners dragged, name/kind/capacity set, invalid polygons refused, undo/redo, and saving as a new
 * layout version from a chosen date. All changes go through `editorReducer` (model/editor.ts).
 */
import { useEffect, useMemo, useReducer, useRef, useState } from "react";
import { pastVersionAt, scheduledAt, scheduledVersions, type FloorPoint, type Layout } from "@footfall/core";
import { useQueryClient } from "@tanstack/react-query";
import type { ViewProps } from "../App.js";
import { ApiError, isNotFound } from "../api/client.js";
import { useQ } from "../hooks/useQ.js";
import { useLeaveGuard } from "../hooks/useHashRoute.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { serverNow } from "../model/server-clock.js";
import { arrowKeyAction, editParam, hasDrawnId, KEY_STEP_M, KEY_STEP_SHIFT_M, canRedo, canUndo, draftProblems, draftWarnings, editorReducer, editorTimeZone, initialEditor, isDirty, supersededBy, toLayoutInput, validFromProblems, zoneOverlaps, type EditorAction, type EditorState } from "../model/editor.js";
import { savedText, supersededNote } from "../model/editor-notes.js";
import { formatDateTimeZ } from "../model/format.js";
import { versionPeriods } from "../model/versions.js";
import { fromLocalInput, toLocalInput } from "../model/range.js";
import { withParams } from "../model/route.js";
import { useSession } from "../session.js";
import { PlanStage } from "../components/PlanStage.js";
import { CLOSE_PX, EditorShapes } from "../components/EditorShapes.js";
import { KIND_STYLE } from "../components/kinds.js";
import { ErrorState, Loading } from "../components/States.js";
import { FloorForm, ZoneForm } from "../components/EditorForms.js";
import { LayoutVersionCancel } from "../components/LayoutVersionCancel.js";
import "../styles/analytics.css";
import "../styles/editor.css";
import { nameShown } from "../model/names.js";

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

export default function EditorView({ store, route, navigate }: ViewProps) {
  const { api } = useSession();
  const queries = useQueryClient();
  // `?edit=<version>`: a version saved for later, corrected before it takes effect; else the version in force.
  const editing = editParam(route.params.edit);
  // layout null: a store with no layout yet (the editor then creates it). The editor starts its draft
  // from the layout once, and saves it to `store`: so only from this store's layout as read now, never
  // from what the cache kept meanwhile (the previous store's answer, while another store's layout
  // loads, or this store's from before a version saved since). The answer names its store and version asked.
  // `seen`: the newest version saved when the editor opened (0: none), so a save refuses to undo one saved since by someone else.
  const current = useQ<{ store: string; edit: number | null; layout: Layout | null; seen: number }>(["editor-layout", store, editing], async (signal) => {
    const listed = api.layouts(store, signal).then(
      (vs) => vs.reduce((max, v) => Math.max(max, v.version), 0),
      (e) => (isNotFound(e) ? 0 : Promise.reject(e)),
    );
    const layout =
      editing !== null
        ? api.layoutVersion(store, editing, signal)
        : api.layout(store, undefined, signal).catch((e) => (isNotFound(e) ? null : Promise.reject(e)));
    const [l, seen] = await Promise.all([layout, listed]);
    return { store, edit: editing, layout: l, seen: Math.max(seen, l?.version ?? 0) };
  });
  // A correction saved is edited on (its new number in the address): the same editor, its undo and message kept.
  const corrections = useRef(new Map<number, number>());
  const continued = editing !== null && corrections.current.has(editing);
  const mine = current.data?.store === store && current.data.edit === editing ? current.data : undefined;
  const leaveEdit = () => navigate(withParams(route, { edit: null }));
  if (current.status === "error")
    return (
      <div className="page">
        {/* A version gone (cancelled, corrected, never saved) stays gone: no "Try again", the way back instead. */}
        <ErrorState error={current.error} onRetry={editing !== null && isNotFound(current.error) ? undefined : current.reload} />
        {editing !== null && (
          <p className="row" style={{ justifyContent: "center" }}>
            <button className="btn" onClick={leaveEdit} data-testid="edit-in-force">Edit the version in force</button>
          </p>
        )}
      </div>
    );
  if (mine === undefined || (current.status === "loading" && !continued)) return <Loading label="Loading the layout…" />;
  const replaced = (saved: Layout, from: number) => {
    corrections.current.set(saved.version, corrections.current.get(from) ?? from);
    queries.setQueryData(["editor-layout", store, saved.version], { store, edit: saved.version, layout: saved, seen: saved.version });
    navigate(withParams(route, { edit: String(saved.version) }), true);
  };
  const key = editing === null ? `${store}:${mine.layout?.version ?? 0}` : `${store}:edit:${corrections.current.get(editing) ?? editing}`;
  return (
    <Editor
      key={key}
      store={store}
      layout={mine.layout}
      seen={mine.seen}
      correcting={editing !== null}
      onReplaced={replaced}
      onLeaveEdit={leaveEdit}
      onEditVersion={(v) => navigate(withParams(route, { edit: String(v) }))}
    />
  );
}

interface EditorProps {
  store: string;
  layout: Layout | null;
  /** The newest version saved when the editor opened (0: none yet). */
  seen: number;
  /** The layout is a version saved for later, corrected: a save replaces it (PUT ...?replaces=), from its own date. */
  correcting: boolean;
  /** A correction was saved (`saved` replaces version `from`). */
  onReplaced: (saved: Layout, from: number) => void;
  /** Back to the version in force. */
  onLeaveEdit: () => void;
  /** Correct the version saved for later `version`. */
  onEditVersion: (version: number) => void;
}

function Editor({ store, layout, seen, correcting, onReplaced, onLeaveEdit, onEditVersion }: EditorProps) {
  const { api, storesChanged } = useSession();
  const [state, dispatch] = useReducer(editorReducer, undefined, () => initialEditor(store, layout, browserZone()));
  const [pointer, setPointer] = useState<FloorPoint | null>(null);
  const [scale, setScale] = useState(1);
  // "Valid from" follows the clock until the user sets it: an editor left open an hour before saving
  // saves from the minute of the save, not from when the editor was opened.
  const ticked = useServerNow(15_000);
  // A save moves it on at once: the version just saved from now is in force, not "scheduled ... not in force yet" with a
  // warning that the next save would come before it, until the next 15 s tick.
  const [savedAt, setSavedAt] = useState(0);
  const now = Math.max(ticked, savedAt);
  // A correction keeps its version's date until the user moves it (`base`: the date of the version it replaces).
  const [base, setBase] = useState<number | null>(correcting && layout ? layout.validFrom : null);
  const [typedValidFrom, setValidFrom] = useState<string | null>(null);
  // The zone "Valid from" and the versions' dates are in: the draft's, or the saved one while the Time zone field holds none.
  const timeZone = editorTimeZone(state);
  const validFrom = typedValidFrom ?? toLocalInput(base ?? now, timeZone);
  const [saving, setSaving] = useState(false);
  // The newest version this editor knows of: its own saves, and one saved by someone else once the editor has said so.
  const seenVersion = useRef(seen);
  const versions = useQ(["layout-versions", store, state.version], (signal) => api.layouts(store, signal), { enabled: !!state.version });
  // Every zone id the saved versions had: a new zone takes none of them (its own figures), unless brought back on purpose.
  const used = useQ(["layout-zones-used", store, state.version], (signal) => api.zonesUsed(store, signal), { enabled: !!state.version });
  useEffect(() => {
    if (used.data) dispatch({ type: "zonesUsed", ids: used.data.map((u) => u.id) });
  }, [used.data]);
  const ofDraft = useMemo(() => draftProblems(state.draft), [state.draft]);
  const warnings = useMemo(() => draftWarnings(state.draft), [state.draft]);
  const problemZones = useMemo(() => new Set(ofDraft.map((p) => p.zone).filter((z): z is string => z !== null)), [ofDraft]);
  const [snapOn, setSnapOn] = useState(true);
  // Worked out when a drag ends, not at every pointer move of one: all pairs of 100 rectangles take
  // ~13 ms, of 40 twenty-corner zones ~55 ms. The last answer stays shown meanwhile.
  const lastOverlaps = useRef<ReturnType<typeof zoneOverlaps>>([]);
  const shownOverlaps = useMemo(() => (state.gesture ? lastOverlaps.current : (lastOverlaps.current = zoneOverlaps(state.draft))), [state.draft, state.gesture]);
  const overlapZones = useMemo(() => new Set(shownOverlaps.flatMap((o) => [o.a.id as string, o.b.id as string])), [shownOverlaps]);
  const validFromMs = typedValidFrom === null ? (base ?? now) : fromLocalInput(typedValidFrom, timeZone);
  // "Valid from" (the year 2100, a cleared field) is listed with the draft's problems, in the form's words, before the server refuses it.
  const problems = useMemo(() => [...ofDraft, ...validFromProblems(validFromMs)], [ofDraft, validFromMs]);
  // A correction whose date alone moved is a change too.
  const dirty = isDirty(state) || (base !== null && validFromMs !== base);
  // A correction must stay for later: from now or before it would rewrite what was in force.
  const tooEarly = base !== null && validFromMs !== null && validFromMs <= now;
  // The version corrected is replaced: it takes nothing over.
  const takenOver = validFromMs !== null && versions.data ? supersededBy(base === null ? versions.data : versions.data.filter((v) => v.version !== state.version), validFromMs) : null;
  // A version saved for later at the very instant chosen: a new version saved then replaces it (the server does, in one
  // step); a correction moved onto it is refused (it would leave that one never in force).
  const sameInstant = validFromMs !== null && validFromMs > now && versions.data ? scheduledAt(base === null ? versions.data : versions.data.filter((v) => v.version !== state.version), validFromMs, now) : null;
  // A past version (or the one in force) at the very instant chosen: the server refuses a save then (history is kept: it
  // would take that version's place for ever). 0 is "since always", no instant.
  const pastAt = base === null && validFromMs !== null && validFromMs > 0 && validFromMs <= now && versions.data ? pastVersionAt(versions.data, validFromMs, now) : null;
  const pastUntil = pastAt && versions.data ? versions.data.filter((v) => v.validFrom > pastAt.validFrom && v.validFrom <= now).sort((a, b) => a.validFrom - b.validFrom)[0] : undefined;
  // Versions saved for later, not yet in force: each may be cancelled (a refit that moved).
  const scheduled = useMemo(() => new Set(versions.data ? scheduledVersions(versions.data, now) : []), [versions.data, now]);
  // The version edited is one saved for later (by this editor's save): the heading says so, not "version 3" alone.
  const scheduledFrom = state.version !== null && scheduled.has(state.version) ? versions.data?.find((v) => v.version === state.version)?.validFrom : undefined;
  const queries = useQueryClient();
  const versionCancelled = (version: number) => {
    // The version corrected here is gone: back to the version in force.
    if (base !== null && version === state.version) return onLeaveEdit();
    versions.reload();
    // The experiment form's list of this store's versions too.
    void queries.invalidateQueries({ queryKey: ["layout-versions", store] });
  };

  useKeys(state, dispatch);
  const zoneList = useRef<HTMLUListElement>(null);
  const lastZones = useRef(state.draft.zones);
  useEffect(() => {
    const before = lastZones.current;
    lastZones.current = state.draft.zones;
    // A zone deleted (Delete key, the form's "Delete zone") took the focus with it: its Zones list button
    // or the form. A keyboard or screen-reader user carries on from the list (the zone after it), not
    // from the top of the page.
    // Deleted, not renamed: a new zone renamed takes its name's id, its list button and form remade (the focus left on them).
    const gone = state.draft.zones.length < before.length ? before.findIndex((z) => !state.draft.zones.some((n) => n.id === z.id)) : -1;
    if (gone < 0 || (document.activeElement !== null && document.activeElement !== document.body)) return;
    const buttons = zoneList.current?.querySelectorAll("button");
    const next = buttons?.length ? buttons[Math.min(gone, buttons.length - 1)] : document.querySelector<HTMLElement>('[data-testid="draw-zone"]');
    next?.focus();
  }, [state.draft.zones]);
  useLeaveGuard(dirty ? `Leave the layout editor? Your changes are not saved yet and would be lost. Press Cancel to stay, then “${base !== null ? "Save correction" : "Save as new version"}”.` : null);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  /** The store's versions (a failed listing: none known). */
  const listVersions = () => api.layouts(store).catch(() => []);
  const save = async () => {
    if (validFromMs === null) return dispatch({ type: "dismiss" });
    setSaving(true);
    try {
      const from = base !== null ? state.version : null;
      // The version saved for later at this very time, which the server replaces with this one.
      const replacedAtSave = from === null ? (sameInstant?.version ?? null) : null;
      const sentFrom = typedValidFrom === null ? (base ?? serverNow()) : validFromMs;
      const saved = await api.saveLayout(store, toLayoutInput(state.draft, sentFrom), from ?? undefined, seenVersion.current);
      seenVersion.current = Math.max(seenVersion.current, saved.version);
      // Saved from now: its instant was the server's now as told (never ahead of it), so it is in force whatever the
      // answer's Date moved the server's clock to meanwhile.
      setSavedAt(Math.max(serverNow(), typedValidFrom === null && base === null ? sentFrom : 0));
      dispatch({ type: "saved", layout: saved });
      // A new name (or time zone, currency) shows in the store menu, the tab's title and the other
      // views at once, as a rename in Store settings does; the editor stays as it is. A failed
      // listing is no failed save: the next one lists them.
      void storesChanged({ keepOnScreen: true }).catch(() => {});
      if (from !== null) {
        dispatch({ type: "notify", message: { tone: "info", text: `Saved as version ${saved.version}, from ${formatDateTimeZ(saved.validFrom, timeZone)}: it replaces version ${from}, whose number is not used again.` } });
        setBase(saved.validFrom);
        setValidFrom(null);
        // The experiment form's list of this store's versions too.
        void queries.invalidateQueries({ queryKey: ["layout-versions", store] });
        onReplaced(saved, from);
      } else if (saved.validFrom > serverNow()) {
        // Saved for later (a refit next Monday): nothing changes until then, which "Saved as version 3." alone did not say.
        const over = replacedAtSave !== null ? ` It replaces version ${replacedAtSave}, saved for the same time, whose number is not used again.` : "";
        dispatch({ type: "notify", message: { tone: "info", text: `Saved as version ${saved.version}, scheduled: it takes effect from ${formatDateTimeZ(saved.validFrom, timeZone)}, when the store's agents get it.${over} Until then the version in force stays, and the figures are counted on it.` } });
        if (replacedAtSave !== null) void queries.invalidateQueries({ queryKey: ["layout-versions", store] });
      } else {
        // From a past time (or now): when it applies and until which version, not "Saved as version 4." alone.
        dispatch({ type: "notify", message: { tone: "info", text: savedText(versions.data ?? [], saved, serverNow(), timeZone) } });
      }
      versions.reload();
    } catch (err) {
      const all = err instanceof ApiError && err.status === 409 ? await listVersions() : [];
      const since = all.filter((v) => v.version > seenVersion.current).sort((a, b) => a.version - b.version);
      // Saved meanwhile at the very time in “Valid from”, a past one: saving again would be refused too (a past version is not
      // replaced), so the way on is another time, not a second press. The note under “Valid from” says when it was in force.
      const sentAt = typedValidFrom === null ? null : validFromMs;
      const pastNow = base === null && sentAt !== null && sentAt > 0 && sentAt <= serverNow() ? pastVersionAt(all, sentAt, serverNow()) : null;
      if (pastNow && since.some((v) => v.version === pastNow.version)) {
        seenVersion.current = Math.max(...since.map((v) => v.version));
        versions.reload();
        const text = `Not saved: someone else saved version ${pastNow.version} from ${formatDateTimeZ(pastNow.validFrom, timeZone)}, the very time in “Valid from”, after you opened the editor: a past version is not replaced (history is kept: the figures were counted on it), so saving again would be refused too. Your changes are still here: choose a later time in “Valid from” (a minute later, say) to save them as a version from then, or reload the page to start from theirs (yours would be lost).`;
        dispatch({ type: "notify", message: { tone: "error", text } });
        return;
      }
      if (since.length) {
        // Someone saved while this editor was open: say who won, keep this draft, and let a second save be deliberate.
        seenVersion.current = Math.max(...since.map((v) => v.version));
        versions.reload();
        const which = since.map((v) => `version ${v.version} (from ${formatDateTimeZ(v.validFrom, timeZone)})`).join(", ");
        const text = `Not saved: someone else saved ${which} after you opened the editor, and saving yours would undo their changes. Your changes are still here: reload the page to start from theirs (yours would be lost), or press “${base !== null ? "Save correction" : "Save as new version"}” again to save yours over theirs.`;
        dispatch({ type: "notify", message: { tone: "error", text } });
        return;
      }
      const text = err instanceof ApiError ? `Not saved: ${err.message}` : `Not saved: ${(err as Error).message}`;
      dispatch({ type: "notify", message: { tone: "error", text } });
    } finally {
      setSaving(false);
    }
  };

  const selected = state.draft.zones.find((z) => z.id === state.selected) ?? null;
  // A zone saved (in the layout opened, or by a save since in this editor) keeps its id: agents report it, its history is kept under it.
  const isNew = (id: string) => !state.saved.zones.some((z) => z.id === id);
  return (
    <div className="page editor" data-testid="editor">
      <div className="page-h">
        <h1>Layout</h1>
        <span className="sub">
          {state.version
            ? `${nameShown(state.draft.name) ?? store} · ${base !== null ? `correcting scheduled version ${state.version}, from ${formatDateTimeZ(base, timeZone)}` : `version ${state.version}${scheduledFrom !== undefined ? `, scheduled from ${formatDateTimeZ(scheduledFrom, timeZone)}: not in force yet` : ""}`}`
            : `New store “${store}”: no layout saved yet`}
        </span>
        {dirty && <span className="chip" style={{ background: "#fef3c7", color: "#92400e" }}>Unsaved changes</span>}
      </div>
      <div className="toolbar">
        {state.drawing ? (
          <>
            <button className="btn primary" onClick={() => dispatch({ type: "finishDrawing" })} disabled={state.drawing.length < 3} data-testid="finish-zone">Finish zone ⏎</button>
            <button className="btn" onClick={() => dispatch({ type: "removeLastCorner" })} disabled={state.drawing.length === 0}>Remove last corner</button>
            <button className="btn ghost" onClick={() => dispatch({ type: "cancelDrawing" })}>Cancel (Esc)</button>
            <span className="muted">{state.drawing.length} corner{state.drawing.length === 1 ? "" : "s"} placed</span>
          </>
        ) : (
          <button className="btn primary" onClick={() => dispatch({ type: "startDrawing" })} data-testid="draw-zone">+ Draw a zone</button>
        )}
        <div className="divider" />
        <button className="btn icon" onClick={() => dispatch({ type: "undo" })} disabled={!canUndo(state)} title="Undo (Ctrl+Z)" aria-label="Undo">↶</button>
        <button className="btn icon" onClick={() => dispatch({ type: "redo" })} disabled={!canRedo(state)} title="Redo (Ctrl+Shift+Z)" aria-label="Redo">↷</button>
        <label className="row" style={{ gap: 6 }} title="Corners and moved zones land on other zones' corners and edges, else on a grid (0.1 m corners, 0.25 m moves)">
          <input type="checkbox" checked={snapOn} onChange={(e) => setSnapOn(e.target.checked)} data-testid="snap-toggle" />
          <span className="muted">Snap</span>
        </label>
        <div className="spacer" />
        <label className="row" style={{ gap: 6 }}>
          <span className="muted">Valid from</span>
          <input className="field" type="datetime-local" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} aria-invalid={validFromMs === null ? true : undefined} data-testid="valid-from" />
          <span className="muted small">{timeZone}</span>
        </label>
        <button className="btn primary" onClick={save} disabled={saving || problems.length > 0 || validFromMs === null || tooEarly || pastAt !== null || (base !== null && sameInstant !== null) || !!state.drawing || (!dirty && state.version !== null)} data-testid="save-layout" title={problems.length ? "Fix the problems listed first" : tooEarly || pastAt ? "Choose a later time: see the note" : shownOverlaps.length ? "Some zones overlap: see the warning" : undefined}>
          {saving ? "Saving…" : base === null && sameInstant ? `Save, replacing v${sameInstant.version}${shownOverlaps.length ? " (zones overlap)" : ""}` : base !== null ? `Save correction${shownOverlaps.length ? " anyway (zones overlap)" : ""} (replaces v${state.version})` : shownOverlaps.length ? "Save anyway (zones overlap)" : "Save as new version"}
        </button>
      </div>
      {base !== null && (
        <div className="alert info" role="status" data-testid="editing-scheduled">
          <span style={{ flex: 1 }}>
            You are correcting <b>version {state.version}</b>, saved for later: it takes effect from <b>{formatDateTimeZ(base, timeZone)}</b> and is not in force yet. Saving replaces it, in one step, with a new version (the number v{state.version} is not used again); change “Valid from” to move it to another later time.
          </span>
          <button className="btn sm ghost" onClick={onLeaveEdit} data-testid="edit-in-force">Edit the version in force instead</button>
        </div>
      )}
      {tooEarly && (
        <div className="alert warn" role="status" data-testid="correction-too-early">
          A correction takes effect later than now: choose a later “Valid from”. To change the layout from now, edit the version in force and save a new version.
        </div>
      )}
      {sameInstant && (
        <div className={`alert ${base !== null ? "warn" : "info"}`} role="status" data-testid="valid-from-same-instant">
          {base !== null
            ? `Version ${sameInstant.version} is saved for the same time, ${formatDateTimeZ(sameInstant.validFrom, timeZone)}: this correction from then would leave it never in force. Choose another “Valid from”, or cancel version ${sameInstant.version} first.`
            : `Version ${sameInstant.version} is saved for the same time, ${formatDateTimeZ(sameInstant.validFrom, timeZone)}, and not in force yet: saving replaces it with this draft, in one step (the number v${sameInstant.version} is not used again). To keep it, choose another “Valid from”.`}
        </div>
      )}
      {/* Only before a save: once saved, the version at that time is the one just saved, and "not replaced" read as a refusal. */}
      {pastAt && dirty && (
        <div className="alert warn" role="status" data-testid="valid-from-past-version">
          Version {pastAt.version} {pastUntil ? `was in force from ${formatDateTimeZ(pastAt.validFrom, timeZone)} until ${formatDateTimeZ(pastUntil.validFrom, timeZone)}` : `has been in force since ${formatDateTimeZ(pastAt.validFrom, timeZone)}`}, the time in “Valid from”: a past version is not replaced (history is kept: the figures were counted on it). To change the layout from now, set “Valid from” to now; to change how the figures are read since then, choose a later time (a minute later, say): version {pastAt.version} stays in force until it.
        </div>
      )}
      {takenOver && validFromMs !== null && dirty && (
        <div className="alert warn" role="status" data-testid="valid-from-superseded">
          {supersededNote(versions.data ?? [], takenOver, validFromMs, now, timeZone)}
        </div>
      )}
      <div className="editor-grid">
        <section className="card heat-plan-card">
          <div className="card-h">
            <h2>Floor plan</h2>
            <span className="hint">
              {state.drawing ? "Click to place corners · click the first corner to close" : selected ? "Drag the zone to move it · drag corners · click ▫ to add one · double-click a corner to remove it" : "Click a zone (or pick it in the Zones list) to edit it · drag a zone to move it · scroll to zoom · drag the floor to pan"}
            </span>
          </div>
          <div className="heat-plan editor-plan">
            <PlanStage
              floor={state.draft.floor}
              cursor={state.drawing ? "crosshair" : undefined}
              label="Layout editor"
              onFloorMove={(p) => setPointer(p as FloorPoint | null)}
              onViewport={(v) => setScale(v.scale)}
              onFloorClick={(p) => (state.drawing ? dispatch({ type: "addCorner", point: p, closeRadius: CLOSE_PX / scale }) : dispatch({ type: "select", zone: null }))}
            >
              {(v) => <EditorShapes state={state} viewport={v} pointer={pointer} dispatch={dispatch} problemZones={problemZones} overlapZones={overlapZones} snapOn={snapOn} />}
            </PlanStage>
            {/* Over the plan, not above it: a message that comes and goes (the drawing hint, a refused
                corner) must not move the plan under the pointer between two clicks. */}
            {state.message && (
              <div className={`alert ${state.message.tone} plan-message`} role={state.message.tone === "error" ? "alert" : "status"} data-testid="editor-message">
                <span style={{ flex: 1 }}>{state.message.text}</span>
                <button className="btn ghost sm" onClick={() => dispatch({ type: "dismiss" })} aria-label="Dismiss">✕</button>
              </div>
            )}
          </div>
          {/* Always there (the plan above does not move when a zone is picked). */}
          <p className="muted small plan-keys" data-testid="editor-keys">
            Keys: <kbd>←</kbd><kbd>↑</kbd><kbd>→</kbd><kbd>↓</kbd> move the selected zone {KEY_STEP_M} m (<kbd>Shift</kbd>: {KEY_STEP_SHIFT_M} m) · <kbd>Ctrl</kbd>+arrows resize it · <kbd>Delete</kbd> removes it (<kbd>Ctrl</kbd>+<kbd>Z</kbd> undoes) · <kbd>Esc</kbd> deselects · pick a zone with <kbd>Tab</kbd> and <kbd>Enter</kbd> in the Zones list
          </p>
        </section>
        <aside className="editor-side">
          {shownOverlaps.length > 0 && (
            <section className="card problems overlaps" data-testid="overlaps" role="status">
              <div className="card-h"><h2>Zones overlap</h2></div>
              <div className="card-b muted small">A visitor standing where two zones overlap is counted in both. Move a zone or a corner apart, or save anyway if that is meant (a display inside a department).</div>
              <ul>
                {shownOverlaps.map((o) => (
                  <li key={`${o.a.id}|${o.b.id}`} data-zones={`${o.a.id} ${o.b.id}`}>
                    {nameShown(o.a.name) || o.a.id} and {nameShown(o.b.name) || o.b.id} share {o.area < 0.1 ? "<0.1" : o.area.toFixed(1)} m²
                  </li>
                ))}
              </ul>
            </section>
          )}
          {warnings.length > 0 && (
            <section className="card problems overlaps" data-testid="draft-warnings" role="status">
              <div className="card-h"><h2>Check before saving</h2></div>
              <ul>
                {warnings.map((w) => (
                  <li key={w.text}>{w.text}</li>
                ))}
              </ul>
            </section>
          )}
          {selected ? (
            <ZoneForm key={selected.id} zone={selected} zones={state.draft.zones} idEditable={isNew(selected.id)} focusName={isNew(selected.id) && hasDrawnId(selected.id)} used={used.data ?? []} dispatch={dispatch} />
          ) : (
            <FloorForm draft={state.draft} dispatch={dispatch} />
          )}
          <section className="card">
            <div className="card-h">
              <h2>Zones</h2>
              <span className="hint">{state.draft.zones.length}</span>
            </div>
            {state.draft.zones.length === 0 ? (
              <div className="card-b muted">No zones yet. Press “Draw a zone” and click the corners on the plan.</div>
            ) : (
              <ul className="zone-list" data-testid="zone-list" ref={zoneList}>
                {state.draft.zones.map((z) => (
                  <li key={z.id}>
                    <button className={z.id === state.selected ? "on" : ""} aria-pressed={z.id === state.selected} onClick={() => dispatch({ type: "select", zone: z.id === state.selected ? null : z.id })}>
                      <span className="swatch" style={{ background: KIND_STYLE[z.kind].stroke }} />
                      <span className="zl-name">{nameShown(z.name)}</span>
                      <span className="muted small">{KIND_STYLE[z.kind].label}{z.capacity !== undefined ? ` · ${z.capacity}` : ""}</span>
                      {problemZones.has(z.id) && <span className="zl-bad" title="Has a problem">!</span>}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {problems.length > 0 && (
            <section className="card problems" data-testid="problems">
              <div className="card-h"><h2>Fix before saving</h2></div>
              <ul>
                {problems.map((p, i) => (
                  <li key={i}>{p.text}</li>
                ))}
              </ul>
            </section>
          )}
          {versions.data && versions.data.length > 0 && (
            <section className="card">
              <div className="card-h"><h2>Versions</h2></div>
              <ul className="versions">
                {versionPeriods(versions.data, now, timeZone).sort((a, b) => b.version - a.version).slice(0, 8).map((v) => (
                  <li key={v.version} data-version={v.version} data-state={v.state}>
                    <b>v{v.version}</b> <span className="muted" data-testid="version-period">{v.text}</span>
                    {v.state === "in force" && <span className="chip accent" style={{ marginLeft: "auto" }} title="The layout the store and its agents use now">in force</span>}
                    {v.state === "past" && <span className="muted small" style={{ marginLeft: "auto" }}>past</span>}
                    {v.state === "scheduled" && <span className="chip" style={{ marginLeft: "auto" }} title="Saved for later: not in force yet">scheduled</span>}
                    {v.version === state.version && <span className="chip">editing</span>}
                    {scheduled.has(v.version) && (
                      <>
                        {v.version !== state.version && (
                          <button className="btn sm" onClick={() => onEditVersion(v.version)} data-testid="version-edit" aria-label={`Edit this scheduled version (v${v.version}, from ${formatDateTimeZ(v.validFrom, timeZone)})`}>
                            Edit this scheduled version
                          </button>
                        )}
                        <LayoutVersionCancel store={store} version={v.version} when={formatDateTimeZ(v.validFrom, timeZone)} onCancelled={() => versionCancelled(v.version)} />
                      </>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </aside>
      </div>
    </div>
  );
}

/**
 * Keyboard: Enter/Escape/Backspace while drawing, Ctrl+Z / Ctrl+Shift+Z, and for the selected zone
 * arrows (move), Ctrl/Cmd+arrows (resize), Shift for 1 m steps, Delete (undoable), Escape (deselect).
 */
function useKeys(state: EditorState, dispatch: (a: EditorAction) => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "z") dispatch({ type: e.shiftKey ? "redo" : "undo" });
      else if (mod && e.key.toLowerCase() === "y") dispatch({ type: "redo" });
      else if (state.drawing && e.key === "Enter") dispatch({ type: "finishDrawing" });
      else if (state.drawing && e.key === "Escape") dispatch({ type: "cancelDrawing" });
      else if (state.drawing && e.key === "Backspace") dispatch({ type: "removeLastCorner" });
      else if (!state.drawing && e.key === "Escape") dispatch({ type: "select", zone: null });
      else if (!state.drawing && state.selected && (e.key === "Delete" || e.key === "Backspace")) dispatch({ type: "deleteZone", zone: state.selected });
      else {
        const zone = !state.drawing && !e.altKey ? state.draft.zones.find((z) => z.id === state.selected) : undefined;
        const move = zone ? arrowKeyAction(zone, e.key, { shift: e.shiftKey, ctrl: mod, repeat: e.repeat }) : null;
        if (!move) return;
        dispatch(move);
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [state.drawing, state.selected, state.draft.zones, dispatch]);
}
