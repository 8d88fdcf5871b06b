/**
 * The live tablet's alert banner: the store's active alerts as the server evaluates its rules
 * (pushed over the live channel), each with "above the limit since HH:MM" in the store's time zone (its day when
 * before today: "since Fri HH:MM"), who
 * acknowledged it ("Ana (front-tablet)": the name typed, optional, and the tablet), and an Acknowledge
 * button for staff and admins. The name is remembered on this tablet for the shift (12 h), so the next
 * person finds it filled in. An optional sound (remembered on this device) plays when a new alert fires.
 */
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { ACK_BY_MAX, ackByOf, type Alert } from "@footfall/core";
import { alertsApi, type LiveAlerts } from "../api/alerts.js";
import { formatTime } from "../model/format.js";
import { ACK_NAME_KEY, ackNameRecord, alertSinceText, rememberedAckName, shownAckError, silenceKind, type CapacityState } from "../model/live.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { useSession } from "../session.js";
import { nameShown } from "../model/names.js";

export const SOUND_KEY = "footfall.alertSound";

/** The store card's state with the server's alerts: red while one fires, at least amber while one is acknowledged. */
export function attentionWithAlerts(attention: CapacityState, alerts: LiveAlerts | null | undefined): CapacityState {
  const list = alerts?.alerts ?? [];
  if (list.some((a) => a.state === "firing")) return "over";
  if (list.length > 0 && (attention === "ok" || attention === "none")) return "busy";
  return attention;
}

/** The sound setting of this device, shared by the toggle (in the view's top bar) and the banner. */
const soundListeners = new Set<() => void>();
let audio: AudioContext | null = null;
const soundOn = () => localStorage.getItem(SOUND_KEY) === "on";
function setSound(on: boolean): void {
  localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  // Browsers allow sound only after a gesture: this click opens the audio.
  if (on && !audio && typeof AudioContext !== "undefined") audio = new AudioContext();
  for (const l of soundListeners) l();
}
const subscribeSound = (l: () => void) => {
  soundListeners.add(l);
  return () => void soundListeners.delete(l);
};

/** "Sound on/off": whether this device plays a sound when an alert fires (remembered in localStorage). */
export function AlertSoundToggle() {
  const on = useSyncExternalStore(subscribeSound, soundOn);
  return (
    <button type="button" className="btn live-touch live-sound" aria-pressed={on} data-testid="alert-sound" onClick={() => setSound(!on)} title="Play a sound on this device when an alert fires">
      {on ? "Sound on" : "Sound off"}
    </button>
  );
}

function beep(ctx: AudioContext): void {
  for (const at of [0, 0.35]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + at);
    osc.stop(ctx.currentTime + at + 0.2);
  }
}

/** `nowOf`: an alert's figure now where it differs from its message's (which keeps the worst reached), e.g. "now 9 %". */
export function AlertBanner({ store, alerts, timeZone, nowOf }: { store: string; alerts: LiveAlerts | null | undefined; timeZone: string; nowOf?: (a: Alert) => string | null }) {
  const { api, me } = useSession();
  const client = useMemo(() => alertsApi(api.token), [api.token]);
  const mayAck = me.role === "staff" || me.role === "admin";
  const sound = useSyncExternalStore(subscribeSound, soundOn);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ alertId: string; text: string } | null>(null);
  const heard = useRef<Set<string> | null>(null);
  // Since when, against the server's day: an alert on since Friday says "since Fri 18:41 CET" on Monday.
  const now = useServerNow(60_000);
  const list = useMemo(() => alerts?.alerts ?? [], [alerts]);
  // Who acknowledges on this shared tablet: optional, remembered for the shift.
  const [name, setName] = useState(() => rememberedAckName(localStorage.getItem(ACK_NAME_KEY), Date.now()));

  // A new firing alert (not one already on when the view opened) rings when the sound is on.
  useEffect(() => {
    const firing = list.filter((a) => a.state === "firing").map((a) => a.id);
    if (heard.current === null) {
      heard.current = new Set(firing);
      return;
    }
    const fresh = firing.filter((id) => !heard.current!.has(id));
    for (const id of firing) heard.current.add(id);
    if (fresh.length > 0 && sound) {
      if (audio) beep(audio);
      document.body.dataset.alertSound = String(Number(document.body.dataset.alertSound ?? 0) + 1);
    }
  }, [list, sound]);

  const acknowledge = async (a: Alert) => {
    const typed = name.trim();
    const by = typed ? ackByOf(typed) : null;
    if (typed && !by) {
      setError({ alertId: a.id, text: `Your name: at most ${ACK_BY_MAX} characters, letters, digits and punctuation (or leave it empty).` });
      return;
    }
    setBusy(a.id);
    setError(null);
    if (by) localStorage.setItem(ACK_NAME_KEY, ackNameRecord(by, Date.now()));
    else localStorage.removeItem(ACK_NAME_KEY);
    try {
      await client.acknowledge(store, a.id, by ?? undefined);
    } catch (err) {
      setError({ alertId: a.id, text: (err as Error).message });
    } finally {
      setBusy(null);
    }
  };

  if (list.length === 0) return null;
  const errorText = shownAckError(error, list);
  const firing = list.some((a) => a.state === "firing");
  return (
    <div className={`live-alert live-alerts ${firing ? "" : "acknowledged"}`} role="alert" data-testid="alert-banner" data-firing={firing}>
      <span className="live-alert-icon" aria-hidden>!</span>
      <ul>
        {list.map((a) => (
          <li key={a.id} data-testid={`alert-${a.ruleId}`} data-state={a.state}>
            {/* The text wraps in a cell of its own, the button in a column beside it: an alert takes a button's height, not a line for each part. */}
            <span className="live-alert-text">
              <b>{nameShown(a.message)}</b>
              {nowOf?.(a) && (
                <span className="live-alert-now" data-testid={`alert-now-${a.ruleId}`}>
                  {" "}· {nowOf(a)}
                </span>
              )}
              {/* After a figure now, a "·" of its own: "now 8 % above the limit since …" read as 8 % over the limit. */}
              {nowOf?.(a) || silenceKind(a.kind) ? " · " : " "}
              <span className="live-alert-since">{alertSinceText(a.since, timeZone, now, a.kind)}</span>
              {a.state === "acknowledged" && (
                <span className="live-alert-ack" data-testid={`alert-ack-note-${a.ruleId}`}>
                  {" "}· acknowledged by {a.acknowledgedBy ?? "someone"}
                  {a.acknowledgedAt ? ` at ${formatTime(a.acknowledgedAt, timeZone)}` : ""}
                </span>
              )}
            </span>
            {a.state !== "acknowledged" && mayAck && (
              <button type="button" className="btn live-touch" data-testid={`ack-${a.ruleId}`} disabled={busy === a.id} onClick={() => void acknowledge(a)}>
                Acknowledge
              </button>
            )}
          </li>
        ))}
        {errorText && (
          <li className="live-alert-error" data-testid="alert-ack-error">
            {errorText}
          </li>
        )}
      </ul>
      {/* Beside the alerts on a landscape tablet (a row under them took the zone list's room), under them in portrait. */}
      {mayAck && firing && (
        <label className="live-alert-name">
          <span className="live-alert-name-text">
            Your name or initials <span className="live-alert-optional">(optional, kept on this tablet for the shift)</span>
          </span>
          <input type="text" className="live-touch-input" data-testid="alert-ack-name" value={name} maxLength={ACK_BY_MAX} autoComplete="off" onChange={(e) => setName(e.target.value)} placeholder="e.g. Ana" />
        </label>
      )}
    </div>
  );
}
