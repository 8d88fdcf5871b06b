import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { initTracker, stepTracker, type Detection, type StepResult, type TrackerState } from "./tracker.js";
import { blendAppearance, type Appearance } from "./appearance.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

type Box = [number, number, number, number];
const person = (cx: number, cy: number, score = 0.9, w = 30, h = 80): Detection => ({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score });

/** A colour signature with all its weight in one cell per body part: looks nothing like another cell's. */
const look = (cell: number): Appearance => {
  const a = new Float32Array(128);
  a[cell % 64] = 1;
  a[64 + ((cell * 7) % 64)] = 1;
  return a;
};
const dressed = (d: Detection, cell: number): Detection => ({ ...d, appearance: look(cell) });

function run(frames: (Detection[] | null)[]): StepResult[] {
  let state: TrackerState = initTracker();
  return frames.map((dets) => {
    const r = stepTracker(state, dets);
    state = r.state;
    return r;
  });
}

describe("stepTracker", () => {
  it("confirms a person appearing later after three detections and follows it", () => {
    const out = run([[], [person(100, 100)], [person(103, 100)], [person(106, 100)], [person(109, 100)]]);
    expect(out[1]!.active).toEqual([]);
    expect(out[2]!.active).toEqual([]);
    expect(out[3]!.active.map((t) => t.id)).toEqual([1]);
    expect(out[4]!.active[0]!.id).toBe(1);
    expect(out[4]!.active[0]!.foot[1]).toBeCloseTo(140, 0);
  });

  it("confirms the people of the first frame with detections at once (nothing came before to check them against)", () => {
    const out = run([null, [person(100, 100), person(300, 100)], [person(103, 100), person(303, 100)]]);
    expect(out[1]!.active.map((t) => t.id)).toEqual([1, 2]);
    expect(out[2]!.active.map((t) => t.id)).toEqual([1, 2]);
    let state = initTracker();
    state = stepTracker(state, [person(100, 100)], { confirmAtStart: false }).state;
    expect(stepTracker(state, [person(103, 100)], { confirmAtStart: false, minHits: 2 }).active.map((t) => t.id)).toEqual([1]);
  });

  it("carries a track through frames without detections, moving at its velocity", () => {
    const frames: (Detection[] | null)[] = [];
    for (let k = 0; k < 10; k++) frames.push([person(100 + 4 * k, 100)]);
    frames.push(null, null);
    const out = run(frames);
    const last = out[11]!.active[0]!;
    expect(last.id).toBe(1);
    expect(last.detection).toBeNull();
    expect((last.box[0] + last.box[2]) / 2).toBeGreaterThan(140);
  });

  it("keeps the id of a person hidden for a few frames (occlusion)", () => {
    const frames: (Detection[] | null)[] = [];
    for (let k = 0; k < 30; k++) frames.push(k >= 12 && k < 18 ? [] : [person(100 + 3 * k, 200)]);
    const out = run(frames);
    expect(out[11]!.active.map((t) => t.id)).toEqual([1]);
    expect(out[14]!.active).toEqual([]); // lost, not reported
    expect(out[29]!.active.map((t) => t.id)).toEqual([1]);
  });

  it("keeps a track with a low-score detection (second pass) but never starts one from it", () => {
    const out = run([[person(100, 100)], [person(102, 100)], [person(104, 100, 0.2)], [person(400, 100, 0.2)], [person(400, 100, 0.2)]]);
    expect(out[2]!.active.map((t) => [t.id, t.detection])).toEqual([[1, 0]]);
    expect(out[4]!.active.map((t) => t.id)).toEqual([]);
  });

  it("drops a lost track after maxLost frames and reports it removed", () => {
    let state = initTracker();
    const removed: number[] = [];
    const frames = [[person(50, 50)], [person(50, 50)], ...Array.from({ length: 40 }, () => [] as Detection[])];
    for (const f of frames) {
      const r = stepTracker(state, f, { maxLost: 10 });
      state = r.state;
      removed.push(...r.removed);
    }
    expect(removed).toEqual([1]);
    expect(state.tracks).toEqual([]);
  });

  /** Targets on a grid 400 px apart, each moving in a straight line at < 4 px/frame for at most 40 frames: they never come closer than 80 px. */
  const targets = fc.array(
    fc.record({ vx: fc.double({ min: -4, max: 4, noNaN: true }), vy: fc.double({ min: -4, max: 4, noNaN: true }), h: fc.integer({ min: 40, max: 120 }) }),
    { minLength: 1, maxLength: 6 },
  );

  it("property: well-separated straight-line targets keep one id each, all different", () => {
    fc.assert(
      fc.property(targets, fc.integer({ min: 5, max: 40 }), fc.boolean(), (ts, frames, skip) => {
        let state = initTracker();
        const idsOf = ts.map(() => new Set<number>());
        for (let k = 0; k < frames; k++) {
          const dets = ts.map((t, i) => person(200 + 400 * (i % 3) + t.vx * k, 200 + 400 * Math.floor(i / 3) + t.vy * k, 0.9, t.h * 0.4, t.h));
          // Detection on every other frame when `skip`: the tracker carries the frames between.
          const r = stepTracker(state, skip && k % 2 === 1 ? null : dets);
          state = r.state;
          for (const a of r.active) {
            const cx = (a.box[0] + a.box[2]) / 2,
              cy = (a.box[1] + a.box[3]) / 2;
            const i = dets.findIndex((d) => cx > d.box[0] && cx < d.box[2] && cy > d.box[1] && cy < d.box[3]);
            expect(i).toBeGreaterThanOrEqual(0);
            idsOf[i]!.add(a.id);
          }
        }
        const all = idsOf.flatMap((s) => [...s]);
        for (const s of idsOf) expect(s.size).toBeLessThanOrEqual(1);
        expect(new Set(all).size).toBe(all.length);
      }),
    );
  });

  const randomDetections = fc.array(
    fc.array(fc.record({ cx: fc.integer({ min: 0, max: 400 }), cy: fc.integer({ min: 0, max: 300 }), score: fc.double({ min: 0, max: 1, noNaN: true }) }), {
      maxLength: 8,
    }),
    { maxLength: 40 },
  );

  it("property: ids are never reused, and no track takes two detections or one detection two tracks", () => {
    fc.assert(
      fc.property(randomDetections, (frames) => {
        let state = initTracker();
        const gone = new Set<number>();
        let maxSeen = 0;
        for (const f of frames) {
          const dets = f.map((d) => person(d.cx, d.cy, d.score));
          const r = stepTracker(state, dets, { maxLost: 3 });
          state = r.state;
          const ids = r.active.map((a) => a.id);
          expect(new Set(ids).size).toBe(ids.length);
          const used = r.active.map((a) => a.detection).filter((d) => d !== null);
          expect(new Set(used).size).toBe(used.length);
          for (const id of ids) expect(gone.has(id)).toBe(false);
          for (const t of state.tracks) expect(gone.has(t.id)).toBe(false);
          for (const id of r.removed) gone.add(id);
          for (const t of state.tracks) maxSeen = Math.max(maxSeen, t.id);
          expect(state.nextId).toBeGreaterThan(maxSeen);
        }
      }),
    );
  });

  it("property: the same input gives the same output (no hidden state or clock)", () => {
    fc.assert(
      fc.property(randomDetections, (frames) => {
        const dets = frames.map((f) => f.map((d) => person(d.cx, d.cy, d.score)));
        expect(run(dets)).toEqual(run(dets));
      }),
      { numRuns: 30 },
    );
  });

  it("keeps two people apart when they cross and the one behind is half hidden (vtest.avi, frames 426-470)", () => {
    // The detector's own boxes (every other frame) where a man in black, further from the camera,
    // walks left, turns back right at 450 and meets a woman in red walking left: at 460 one box
    // covers both, at 462 the man shows only his right half. Here the tracker once gave his track
    // her box and hers his, and both line crossings were lost: the thresholded assignment let a
    // pair over the limit push both tracks onto their second choices. Either the lapjv-style
    // limit (assign.ts) or the colour cue alone now keeps them apart.
    const M = 1,
      W = 40,
      BOTH = 20;
    const rows: [frame: number, man: Box | null, woman: Box | null][] = [
      [426, [531, 151, 560, 217], null],
      [428, [528, 155, 557, 219], null],
      [430, [521, 157, 553, 221], null],
      [432, [514, 158, 544, 224], null],
      [434, [511, 160, 540, 227], null],
      [436, [506, 165, 533, 228], [643, 258, 673, 361]],
      [438, [499, 167, 531, 233], null],
      [440, [493, 169, 522, 236], [613, 252, 650, 353]],
      [442, [490, 174, 521, 240], [598, 252, 642, 350]],
      [444, [488, 175, 520, 243], [586, 248, 624, 345]],
      [446, [485, 178, 519, 248], [579, 246, 615, 343]],
      [448, [484, 182, 517, 254], [574, 245, 606, 339]],
      [450, [483, 188, 518, 256], [562, 238, 597, 335]],
      [452, [486, 191, 521, 259], [551, 237, 589, 332]],
      [454, [491, 194, 523, 262], [541, 235, 575, 328]],
      [456, [492, 197, 528, 267], [531, 235, 563, 323]],
      [458, [498, 199, 530, 271], [519, 231, 557, 320]],
      [460, null, null],
      [462, [521, 210, 547, 290], [497, 218, 539, 309]],
      [464, [518, 212, 550, 290], [491, 225, 524, 309]],
      [466, [526, 218, 560, 296], [481, 218, 509, 302]],
      [468, [533, 222, 568, 305], [465, 216, 495, 300]],
      [470, [538, 226, 574, 311], [457, 215, 486, 297]],
    ];
    let state = initTracker();
    const idAt = new Map<number, { man?: number; woman?: number }>();
    for (const [frame, man, woman] of rows) {
      const dets: Detection[] = [];
      if (man) dets.push(dressed({ box: man, score: frame === 462 ? 0.36 : 0.6 }, M));
      if (woman) dets.push(dressed({ box: woman, score: 0.6 }, W));
      if (frame === 460) dets.push(dressed({ box: [505, 206, 545, 312], score: 0.48 }, BOTH));
      state = stepTracker(state, null).state;
      const r = stepTracker(state, dets);
      state = r.state;
      const who: { man?: number; woman?: number } = {};
      for (const t of r.active) {
        const cell = t.detection === null ? -1 : dets[t.detection]!.appearance!.indexOf(1);
        if (cell === M) who.man = t.id;
        if (cell === W) who.woman = t.id;
      }
      idAt.set(frame, who);
    }
    const before = idAt.get(458)!;
    expect(before.man).toBeDefined();
    expect(before.woman).toBeDefined();
    expect(idAt.get(470)).toEqual(before);
  });

  it("does not give a hidden person's id to someone who looks different stepping into their place", () => {
    const frames: Detection[][] = [];
    for (let k = 0; k < 8; k++) frames.push([dressed(person(100 + 4 * k, 200), 3)]);
    frames.push([], []); // hidden
    frames.push([dressed(person(140, 200), 50)]); // a stranger where the first would be
    const out = run(frames);
    expect(out[7]!.active.map((t) => t.id)).toEqual([1]);
    const after = out[10]!;
    expect(after.active.map((t) => t.id)).not.toContain(1);
    expect(after.state.tracks.find((t) => t.id === 1)?.status).toBe("lost");
  });

  it("re-identifies a hidden person by look where their box no longer overlaps, but never far off", () => {
    const walk: Detection[][] = [];
    for (let k = 0; k < 8; k++) walk.push([dressed(person(100 + 4 * k, 200), 3)]);
    walk.push([], [], []); // hidden; the track coasts on at 4 px/frame to about x = 140
    // Out from behind someone, having stopped: 50 px back from the prediction (no overlap, < 1 box height).
    const near = run([...walk, [dressed(person(90, 200), 3)]]);
    expect(near.at(-1)!.active.map((t) => t.id)).toEqual([1]);
    // The same look 300 px away is someone else (or a mirror): a new track, not the hidden person.
    const far = run([...walk, [dressed(person(440, 200), 3)], [dressed(person(442, 200), 3)], [dressed(person(444, 200), 3)]]);
    expect(far.at(-1)!.active.map((t) => t.id)).toEqual([2]);
  });

  it("property: two people who look different keep their ids when their paths cross, through a merged box and a half-hidden one", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 2, max: 6, noNaN: true }),
        fc.double({ min: 2, max: 6, noNaN: true }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 60, max: 110 }),
        fc.boolean(),
        (va, vb, dy, h, skip) => {
          // A walks right from x=100 and B left from x=500, crossing about half way; B is nearer
          // the camera (lower in the image). While they overlap the detector sees what it saw in
          // vtest.avi: one box around both when they nearly coincide, else B whole and A's
          // visible side only, at a low score.
          const w = h * 0.4;
          let state = initTracker();
          const ids = { a: new Set<number>(), b: new Set<number>() };
          const meetAt = 400 / (va + vb);
          for (let k = 0; k < Math.ceil(2 * meetAt) + 10; k++) {
            const ax = 100 + va * k,
              bx = 500 - vb * k;
            const a = dressed(person(ax, 200, 0.8, w, h), 5);
            const b = dressed(person(bx, 200 + dy, 0.8, w, h), 33);
            let dets = [a, b];
            if (Math.abs(ax - bx) < w / 3) {
              const both = blendAppearance(a.appearance!, b.appearance!, 0.5);
              dets = [{ box: [Math.min(a.box[0], b.box[0]), a.box[1], Math.max(a.box[2], b.box[2]), b.box[3]], score: 0.5, appearance: both }];
            } else if (Math.abs(ax - bx) < w) {
              const visible: Box = ax < bx ? [a.box[0], a.box[1], b.box[0], a.box[3]] : [b.box[2], a.box[1], a.box[2], a.box[3]];
              dets = [b, ...(visible[2] - visible[0] > 4 ? [dressed({ box: visible, score: 0.36 }, 5)] : [])];
            }
            const r = stepTracker(state, skip && k % 2 === 1 ? null : dets);
            state = r.state;
            if (Math.abs(ax - bx) < 2 * w) continue; // too close to say from the box who is who
            for (const t of r.active) {
              const cx = (t.box[0] + t.box[2]) / 2;
              (Math.abs(cx - ax) < Math.abs(cx - bx) ? ids.a : ids.b).add(t.id);
            }
          }
          expect(ids.a.size).toBe(1);
          expect(ids.b.size).toBe(1);
          expect([...ids.a][0]).not.toBe([...ids.b][0]);
        },
      ),
    );
  });
});
