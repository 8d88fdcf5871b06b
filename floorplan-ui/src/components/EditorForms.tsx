import { useState } from "react";
import { ZONE_KINDS, type Zone, type ZoneKind, type ZoneUsed } from "@footfall/core";
import { freeIdLike, hasDrawnId, removedById, removedLike, slugId, zoneBounds, type Bounds, type Draft, type EditorAction } from "../model/editor.js";
import { KIND_STYLE } from "./kinds.js";
import { nameShown } from "../model/names.js";

type Dispatch = (a: EditorAction) => void;
/** Data URLs above this would exceed the layout schema's image limit. */
const MAX_IMAGE_CHARS = 2_000_000;

/** A text/number field that commits on blur or Enter (one undo step per edit, not per keystroke). */
function Commit({ value, onCommit, ...rest }: { value: string; onCommit: (v: string) => void } & Omit<React.InputHTMLAttributes<HTMLInputElement>, "value" | "onChange">) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setText(value);
  }
  return (
    <input
      className="field"
      {...rest}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== value && onCommit(text)}
      onKeyDown={(e) => {
        if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        if (e.key === "Escape") setText(value);
      }}
    />
  );
}

export function FloorForm({ draft, dispatch }: { draft: Draft; dispatch: Dispatch }) {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return (
    <section className="card">
      <div className="card-h"><h2>Store and floor</h2></div>
      <div className="card-b form">
        <label className="lbl">
          Store name
          <Commit value={draft.name ?? ""} placeholder="e.g. Paris Rivoli" onCommit={(v) => dispatch({ type: "setName", name: v.trim() })} data-testid="store-name" />
        </label>
        <div className="two">
          <label className="lbl">
            Width (m)
            <Commit type="number" min={1} step={0.5} value={String(draft.floor.width)} onCommit={(v) => dispatch({ type: "setFloor", floor: { width: Number(v) } })} data-testid="floor-width" />
          </label>
          <label className="lbl">
            Height (m)
            <Commit type="number" min={1} step={0.5} value={String(draft.floor.height)} onCommit={(v) => dispatch({ type: "setFloor", floor: { height: Number(v) } })} data-testid="floor-height" />
          </label>
        </div>
        <label className="lbl">
          Background image URL
          <Commit type="url" placeholder="https://… (optional)" value={draft.floor.image?.startsWith("data:") ? "(uploaded image)" : (draft.floor.image ?? "")} onCommit={(v) => dispatch({ type: "setFloor", floor: { image: v.trim() } })} />
        </label>
        <div className="row">
          <label className="btn sm">
            Upload an image…
            <input
              type="file"
              accept="image/*"
              hidden
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (!file) return;
                const reader = new FileReader();
                reader.onload = () => {
                  const url = String(reader.result);
                  if (url.length > MAX_IMAGE_CHARS) dispatch({ type: "notify", message: { tone: "error", text: `That image is too large (${Math.round(file.size / 1024)} KiB); use one under about 1.4 MiB, or a URL.` } });
                  else dispatch({ type: "setFloor", floor: { image: url } });
                };
                reader.readAsDataURL(file);
              }}
            />
          </label>
          {draft.floor.image && <button className="btn sm ghost" onClick={() => dispatch({ type: "setFloor", floor: { image: "" } })}>Remove image</button>}
        </div>
        <label className="lbl">
          Time zone
          <Commit list="tz-list" value={draft.timezone} onCommit={(v) => dispatch({ type: "setTimezone", timezone: v.trim() })} />
          <datalist id="tz-list">{zones.map((z) => <option key={z} value={z} />)}</datalist>
        </label>
        <label className="lbl">
          Currency of the sales <span className="muted">(ISO 4217, e.g. EUR)</span>
          <Commit value={draft.currency ?? ""} onCommit={(v) => dispatch({ type: "setCurrency", currency: v })} data-testid="store-currency" />
        </label>
      </div>
    </section>
  );
}

/** The zone's box (X, Y, W, H in metres): typing moves or stretches it, as the arrow keys do. */
function BoundsFields({ zone, dispatch }: { zone: Zone; dispatch: Dispatch }) {
  const b = zoneBounds(zone);
  const fields: [keyof Bounds, string, string][] = [["x", "X", "left edge"], ["y", "Y", "top edge"], ["w", "W", "width"], ["h", "H", "height"]];
  return (
    <fieldset className="bounds" data-testid="zone-bounds">
      <legend>Position and size (m)</legend>
      <div className="four">
        {fields.map(([k, short, long]) => (
          <label className="lbl" key={k} title={`The zone's ${long}, in metres`}>
            {short}
            <Commit type="number" step={0.1} min={k === "w" || k === "h" ? 0.1 : 0} value={String(b[k])} aria-label={`${short}: ${long} (m)`} onCommit={(v) => dispatch({ type: "setBounds", zone: zone.id, bounds: { [k]: v.trim() === "" ? Number.NaN : Number(v) } })} data-testid={`zone-${k}`} />
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function ZoneForm({
  zone,
  zones,
  idEditable,
  focusName = false,
  used = [],
  dispatch,
}: {
  zone: Zone;
  zones: readonly Zone[];
  idEditable: boolean;
  focusName?: boolean;
  /** Every zone id the store's saved versions had (GET .../layouts' zones). */
  used?: readonly ZoneUsed[];
  dispatch: Dispatch;
}) {
  const update = (changes: Extract<EditorAction, { type: "updateZone" }>["changes"]) => dispatch({ type: "updateZone", zone: zone.id, changes });
  const usedIds = used.map((u) => u.id);
  // A new zone named like a zone an earlier version had (removed since): a zone of its own unless brought back on purpose.
  const like = idEditable ? removedLike(zone, zones, used) : null;
  const broughtBack = idEditable ? used.find((u) => u.id === zone.id) : undefined;
  // An id typed by hand that a removed zone had: asked first, as the name's "Bring back" is, since it would carry on that
  // zone's history (the zone it is asked for: another zone picked meanwhile is not asked about).
  const [asked, setAsked] = useState<{ zone: string; removed: ZoneUsed; own: string } | null>(null);
  const asking = asked !== null && asked.zone === zone.id ? asked : null;
  const typeId = (typed: string) => {
    const id = typed.trim();
    const removed = removedById(id, zone.id, zones, used);
    if (!removed) {
      setAsked(null);
      return update({ id });
    }
    setAsked({ zone: zone.id, removed, own: freeIdLike(id, new Set([...zones.filter((z) => z.id !== zone.id).map((z) => z.id as string), ...usedIds])) });
  };
  const answer = (id: string) => {
    setAsked(null);
    update({ id });
  };
  return (
    <section className="card" data-testid="zone-form">
      <div className="card-h">
        <h2>Zone</h2>
        <button className="btn ghost sm" style={{ marginLeft: "auto" }} onClick={() => dispatch({ type: "select", zone: null })}>Done</button>
      </div>
      <div className="card-b form">
        <label className="lbl">
          Name
          <Commit
            value={zone.name}
            onCommit={(v) => update({ name: v, ...(idEditable && hasDrawnId(zone.id) && slugId(v, zones, zone.id, usedIds) ? { id: slugId(v, zones, zone.id, usedIds)! } : {}) })}
            data-testid="zone-name"
            // Only a zone just drawn takes the focus (to name it): one picked on the plan or in the list
            // leaves it where it was, so the arrow keys move it.
            autoFocus={focusName}
          />
        </label>
        <label className="lbl">
          <span>Id <span className="muted" style={{ fontWeight: 400 }}>{idEditable ? "· agents report it; fixed once saved" : "· fixed: agents report it"}</span></span>
          <Commit key={asking ? "asking" : "id"} value={zone.id} disabled={!idEditable} onCommit={typeId} className="field mono" data-testid="zone-id" />
        </label>
        {asking && (
          <div className="alert warn small zone-ask" role="group" aria-label="Bring back a removed zone?" data-testid="zone-id-removed">
            <span>
              “{asking.removed.id}” was the id of the removed zone “{nameShown(asking.removed.name)}” (last in version {asking.removed.version}): bring it back, with its history (its visits, dwell, paths and experiments carry on under it)? Or use {asking.own}, a new zone counted from the save.
            </span>
            <button className="btn sm" onClick={() => answer(asking.removed.id)} data-testid="zone-id-bring-back">
              Bring back “{nameShown(asking.removed.name)}” ({asking.removed.id})
            </button>
            <button className="btn sm" onClick={() => answer(asking.own)} data-testid="zone-id-own">
              Use {asking.own}
            </button>
            <button className="btn sm ghost" onClick={() => setAsked(null)} data-testid="zone-id-keep">
              Keep {zone.id}
            </button>
          </div>
        )}
        {like && (
          <div className="alert info small zone-ask" role="status" data-testid="zone-removed-like">
            <span>
              “{nameShown(like.name)}” (id {like.id}) was a zone of version {like.version}, not of this layout: this is a new zone, counted from the save under its own id ({zone.id}). If it is the old zone back, bring it back: its visits, dwell, paths and experiments carry on.
            </span>
            <button className="btn sm" onClick={() => update({ id: like.id })} data-testid="zone-bring-back">
              Bring back “{nameShown(like.name)}” ({like.id})
            </button>
          </div>
        )}
        {broughtBack && !like && !asking && (
          <div className="muted small" data-testid="zone-brought-back">
            Brings back “{nameShown(broughtBack.name)}” of version {broughtBack.version}: its history carries on under {broughtBack.id}.
          </div>
        )}
        <div className="two">
          <label className="lbl">
            Kind
            <select className="field" value={zone.kind} onChange={(e) => update({ kind: e.target.value as ZoneKind })} data-testid="zone-kind">
              {ZONE_KINDS.map((k) => <option key={k} value={k}>{KIND_STYLE[k].label}</option>)}
            </select>
          </label>
          <label className="lbl">
            Capacity
            <Commit type="number" min={0} step={1} placeholder="no limit" value={zone.capacity === undefined ? "" : String(zone.capacity)} onCommit={(v) => update({ capacity: v.trim() === "" ? null : Number(v) })} data-testid="zone-capacity" />
          </label>
        </div>
        {zone.kind === "queue" && (
          <label className="lbl">
            <span>Queue for <span className="muted" style={{ fontWeight: 400 }}>· the zone people wait to be served in (e.g. the checkout)</span></span>
            <select className="field" value={zone.queueFor ?? ""} onChange={(e) => update({ queueFor: e.target.value || null })} data-testid="zone-queue-for">
              <option value="">Choose a zone…</option>
              {zones.filter((z) => z.kind !== "queue" && z.id !== zone.id).map((z) => <option key={z.id} value={z.id}>{nameShown(z.name)} ({z.id})</option>)}
            </select>
          </label>
        )}
        <BoundsFields zone={zone} dispatch={dispatch} />
        <div className="muted small">{zone.polygon.length} corners · {zone.polygon.map(([x, y]) => `(${x}, ${y})`).join(" ")}</div>
        <button className="btn danger" onClick={() => dispatch({ type: "deleteZone", zone: zone.id })}>Delete zone</button>
      </div>
    </section>
  );
}
