/**
 * The audit page the agent serves on the store's LAN (server.ts): record a clip, step through it
 * frame by frame, count crossings with two keys (I: in, O: out), mark each crossing the system
 * counted as right or wrong, and submit. Plain HTML and script, no build step, nothing loaded
 * from outside the agent.
 */
export const AUDIT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Footfall audit</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2433; max-width: 1100px; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 1.5rem; }
  table { border-collapse: collapse; margin: .5rem 0; } td, th { padding: .25rem .6rem; border-bottom: 1px solid #dde2ea; text-align: left; }
  button { font: inherit; padding: .3rem .8rem; cursor: pointer; }
  #frame { max-width: 100%; background: #111; display: block; min-height: 200px; }
  .counts b { font-size: 1.3rem; margin-right: 1rem; }
  .ok { color: #0a7a36; font-weight: 700; } .bad { color: #b3261e; font-weight: 700; }
  .here { background: #fff3c4; } kbd { border: 1px solid #aab; border-radius: 3px; padding: 0 .3rem; }
</style>
</head>
<body>
<h1>Audit of <span id="agent">this device</span></h1>
<section id="home">
  <p>Record <input id="seconds" type="number" value="180" min="5" max="600" style="width:5rem"> seconds of this camera
    <button id="record" data-testid="record">Record a clip</button> <span id="recording"></span></p>
  <p>Clips stay on this device and are deleted when their audit is submitted, or 24 hours after recording.</p>
  <table id="clips" data-testid="clips"></table>
  <h2>Past audits</h2>
  <table id="results" data-testid="results"></table>
</section>
<section id="audit" hidden>
  <img id="frame" alt="frame of the clip">
  <p>Frame <span id="frameNo" data-testid="frame-no">0</span> of <span id="frameCount">0</span>
    <input id="seek" type="range" min="0" value="0" style="width:50%"></p>
  <p><kbd>&larr;</kbd> <kbd>&rarr;</kbd> one frame, with <kbd>Shift</kbd> ten; <kbd>Space</kbd> play or pause;
    <kbd>I</kbd> someone crossed in, <kbd>O</kbd> out; <kbd>Backspace</kbd> takes back your last count.</p>
  <p class="counts">Your count: in <b id="handIn" data-testid="hand-in">0</b> out <b id="handOut" data-testid="hand-out">0</b>
    System: in <b id="systemIn" data-testid="system-in">0</b> out <b id="systemOut" data-testid="system-out">0</b></p>
  <h2>What the system counted (mark each one if you can)</h2>
  <table id="system" data-testid="system"></table>
  <p><label>Your name <input id="auditor" data-testid="auditor"></label>
    <button id="submit" data-testid="submit">Submit the audit</button> <button id="back">Back to the list</button></p>
  <p id="outcome" data-testid="outcome"></p>
</section>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let clip = null, frame = 0, timer = null, hand = [], marks = new Map();
const api = async (path, init) => {
  const r = await fetch(path, { ...init, headers: { "content-type": "application/json" } });
  const body = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
};
const pct = (x) => (100 * x).toFixed(1) + " %";
const when = (ms) => new Date(ms).toLocaleString();
function row(cells) { const tr = document.createElement("tr"); for (const c of cells) { const td = document.createElement("td"); if (c instanceof Node) td.append(c); else td.textContent = c; tr.append(td); } return tr; }
function button(label, onclick, testid) { const b = document.createElement("button"); b.textContent = label; b.onclick = onclick; if (testid) b.dataset.testid = testid; return b; }
async function home() {
  const s = await api("/api/clips");
  $("agent").textContent = s.agent;
  $("recording").textContent = s.recording ? "recording " + s.recording.id + ": " + s.recording.frames + " frames so far" : "";
  const t = $("clips"); t.replaceChildren(row(["clip", "recorded", "frames", "system in / out", ""]));
  for (const c of s.clips) {
    const ins = c.crossings.filter((x) => x.dir === "in").length, outs = c.crossings.length - ins;
    t.append(row([c.id, when(c.startedAt), c.state === "ready" ? String(c.frames) : c.state, ins + " / " + outs,
      c.state === "ready" ? button("Audit", () => open(c.id), "audit-" + c.id) : ""]));
  }
  const r = $("results"); r.replaceChildren(row(["when", "who", "hand in / out", "system in / out", "accuracy in / out", ""]));
  for (const x of s.results) r.append(row([when(x.at), x.auditor, x.hand.in + " / " + x.hand.out, x.system.in + " / " + x.system.out,
    pct(x.accuracy.in) + " / " + pct(x.accuracy.out), x.certified ? "data certified" : "below 95 %"]));
  if (s.recording) setTimeout(home, 2000);
}
async function open(id) {
  clip = await api("/api/clips/" + id);
  frame = 0; hand = []; marks = new Map();
  $("home").hidden = true; $("audit").hidden = false; $("outcome").textContent = "";
  $("frameCount").textContent = clip.frames; $("seek").max = clip.frames - 1;
  $("systemIn").textContent = clip.crossings.filter((x) => x.dir === "in").length;
  $("systemOut").textContent = clip.crossings.filter((x) => x.dir === "out").length;
  show(0); drawSystem(); counts();
}
function show(n) {
  frame = Math.max(0, Math.min(clip.frames - 1, n));
  $("frame").src = "/api/clips/" + clip.id + "/frames/" + frame;
  $("frameNo").textContent = frame; $("seek").value = frame;
  for (const tr of $("system").querySelectorAll("tr[data-frame]")) tr.classList.toggle("here", Math.abs(Number(tr.dataset.frame) - frame) <= 2);
}
function drawSystem() {
  const t = $("system"); t.replaceChildren(row(["#", "frame", "direction", "", "", "", "your mark"]));
  clip.crossings.forEach((c, i) => {
    const mark = document.createElement("span"); mark.dataset.testid = "mark-" + i;
    const set = (right) => { marks.set(i, right); mark.textContent = right ? "right" : "wrong"; mark.className = right ? "ok" : "bad"; };
    const tr = row([String(i + 1), String(c.frame), c.dir, button("Go", () => show(c.frame), "go-" + i),
      button("Right", () => set(true), "right-" + i), button("Wrong", () => set(false), "wrong-" + i), mark]);
    tr.dataset.frame = c.frame; t.append(tr);
  });
}
function counts() {
  $("handIn").textContent = hand.filter((h) => h.dir === "in").length;
  $("handOut").textContent = hand.filter((h) => h.dir === "out").length;
}
function play() {
  if (timer) { clearInterval(timer); timer = null; return; }
  timer = setInterval(() => { if (frame >= clip.frames - 1) play(); else show(frame + 1); }, 1000 / clip.fps);
}
document.addEventListener("keydown", (e) => {
  if ($("audit").hidden || e.target instanceof HTMLInputElement) return;
  const step = e.shiftKey ? 10 : 1;
  if (e.key === "ArrowRight") show(frame + step);
  else if (e.key === "ArrowLeft") show(frame - step);
  else if (e.key === " ") play();
  else if (e.key === "i" || e.key === "I") { hand.push({ dir: "in", frame }); counts(); }
  else if (e.key === "o" || e.key === "O") { hand.push({ dir: "out", frame }); counts(); }
  else if (e.key === "Backspace") { hand.pop(); counts(); }
  else return;
  e.preventDefault();
});
$("seek").oninput = (e) => show(Number(e.target.value));
$("back").onclick = () => { if (timer) play(); $("audit").hidden = true; $("home").hidden = false; home(); };
$("record").onclick = async () => {
  try { await api("/api/clips", { method: "POST", body: JSON.stringify({ seconds: Number($("seconds").value) }) }); } catch (err) { alert(err.message); }
  home();
};
$("submit").onclick = async () => {
  const body = { auditor: $("auditor").value, hand: { in: hand.filter((h) => h.dir === "in").length, out: hand.filter((h) => h.dir === "out").length },
    marks: [...marks].map(([crossing, right]) => ({ crossing, right })) };
  try {
    const r = await api("/api/clips/" + clip.id + "/result", { method: "POST", body: JSON.stringify(body) });
    $("outcome").textContent = "Accuracy in " + pct(r.accuracy.in) + ", out " + pct(r.accuracy.out) + (r.certified ? ": data certified." : ": below 95 %, check the line and the camera.") + " The clip is deleted.";
  } catch (err) { $("outcome").textContent = err.message; }
};
home().catch((err) => { document.body.textContent = err.message; });
</script>
</body>
</html>
`;
