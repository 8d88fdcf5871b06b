/**
 * The clock offset estimator against the model it is built on: an agent clock `skew` ahead, each
 * status delayed d >= 0. Prompt statuses (a little jitter) give the skew; statuses a broker held while
 * the server was away, delivered back to back when it is back (and those queued behind them while it
 * catches up), never move the estimate off it; a clock set right is followed from its second status.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addClockSample,
  CLOCK_AGREE_MS,
  CLOCK_CONFIRM_SPAN_MS,
  CLOCK_MAX_SAMPLES,
  CLOCK_WINDOW_MS,
  clockOffset,
  clockOffWarns,
  clockReading,
  decodeClockSamples,
  DEFAULT_CLOCK_WARN_MS,
  encodeClockSamples,
  formatClockOffset,
  type ClockSample,
} from "./clock-offset.js";

const T0 = Date.UTC(2026, 0, 1);
const fold = (xs: readonly ClockSample[]) => xs.reduce<ClockSample[]>((kept, s) => addClockSample(kept, s), []);
/** What a server receives: statuses sent (server clock) `sent`, stamped by a clock `skew` ahead, received `at`. */
const received = (sent: number, skew: number, at: number): ClockSample => ({ at, offsetMs: sent + skew - at });
/** A prompt status's delay: network and broker, at most this. */
const JITTER = 500;
/** Agents' status interval: 30 s by default (statusEveryS), a little either way; not under the confirmation span (and jitter). */
const gaps = (n: number) => fc.array(fc.integer({ min: CLOCK_CONFIRM_SPAN_MS + JITTER, max: 35_000 }), { minLength: n, maxLength: n + 40 });

describe("clock offset estimator", () => {
  it("after an outage of the server, the broker's queue delivered late does not move the estimate off the skew", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        gaps(4),
        fc.array(fc.integer({ min: 0, max: JITTER }), { minLength: 1 }),
        fc.integer({ min: 2, max: 40 }), // statuses sent before the outage
        fc.integer({ min: 0, max: 3_600_000 }), // the server away this long
        fc.integer({ min: 2, max: 1_000 }), // and then catching up this many times faster than the statuses were sent
        (skew, gapList, jitters, before, away, speedup) => {
          let sent = T0;
          const sends = gapList.map((g) => (sent += g));
          const outageFrom = sends[Math.min(before, sends.length - 1)]! - 1;
          const back = outageFrom + away;
          let kept: ClockSample[] = [];
          sends.forEach((s, i) => {
            const prompt = s + jitters[i % jitters.length]!;
            // Sent while the server was away, or queued behind those while it catches up: as the queue gives it.
            const at = s < outageFrom ? prompt : Math.max(prompt, back + (s - outageFrom) / speedup);
            kept = decodeClockSamples(encodeClockSamples(addClockSample(kept, received(s, skew, at))));
            const estimate = clockOffset(kept);
            if (i >= 1 && s < outageFrom) expect(estimate).not.toBeNull(); // two prompt statuses 20 s apart measure it
            if (estimate !== null) {
              expect(estimate).toBeLessThanOrEqual(skew);
              expect(estimate).toBeGreaterThanOrEqual(skew - JITTER - CLOCK_AGREE_MS);
            }
            expect(kept.length).toBeLessThanOrEqual(CLOCK_MAX_SAMPLES + 1);
          });
        },
      ),
    );
  });

  it("follows a clock set right (or wrong) from its second status after the change", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        gaps(6),
        fc.array(fc.integer({ min: 0, max: JITTER }), { minLength: 1 }),
        fc.nat(),
        (skewBefore, skewAfter, gapList, jitters, pick) => {
          let sent = T0;
          const sends = gapList.map((g) => (sent += g));
          const step = 2 + (pick % (sends.length - 3)); // the first status with the new clock
          let kept: ClockSample[] = [];
          sends.forEach((s, i) => {
            const skew = i < step ? skewBefore : skewAfter;
            kept = addClockSample(kept, received(s, skew, s + jitters[i % jitters.length]!));
            if (i >= step + 1) {
              // The second status on: within a minute and ten seconds of the change at the agents' 30 s or so.
              if (i === step + 1) expect(s - sends[step - 1]!).toBeLessThanOrEqual(2 * 35_000);
              const estimate = clockOffset(kept)!;
              expect(estimate).toBeLessThanOrEqual(skewAfter);
              expect(estimate).toBeGreaterThanOrEqual(skewAfter - JITTER - CLOCK_AGREE_MS);
            }
          });
        },
      ),
    );
  });

  it("12 min away: the queued statuses (the newest 45 s old) leave the clock in step; a clock set right shows at its second status", () => {
    const live = [0, 30_000, 60_000].map((t) => ({ at: T0 + t + 40, offsetMs: -40 }));
    const inStep = fold(live);
    expect(clockReading(inStep)).toEqual({ offsetMs: -40, measuredAt: T0 + 60_040 });
    // Away from 90 s to 12 min 90 s: the statuses sent every 30 s meanwhile, the newest 45 s before the server is back, delivered together.
    const back = T0 + 90_000 + 12 * 60_000;
    let kept = inStep;
    for (let sent = T0 + 90_000; sent <= back - 45_000; sent += 30_000) kept = addClockSample(kept, received(sent, 0, back + (sent - T0) / 1000));
    expect(kept.filter((s) => s.unconfirmed)).toHaveLength(23);
    expect(clockOffset(kept)).toBe(-40);
    expect(clockOffWarns(clockOffset(kept), DEFAULT_CLOCK_WARN_MS)).toBe(false);
    // Live again: the next statuses confirm each other.
    kept = addClockSample(kept, received(back + 10_000, 0, back + 10_030));
    kept = addClockSample(kept, received(back + 40_000, 0, back + 40_030));
    expect(clockReading(kept)).toEqual({ offsetMs: -30, measuredAt: back + 40_030 });

    // 2 min ahead, flagged; NTP sets it right just after a status: the next measures 0 alone, the one after confirms it.
    let ahead = fold([0, 30_000, 60_000].map((t) => received(T0 + t, 120_000, T0 + t + 20)));
    expect(clockWarnsOf(ahead)).toBe(true);
    ahead = addClockSample(ahead, received(T0 + 90_000, 0, T0 + 90_020));
    expect(clockWarnsOf(ahead)).toBe(true);
    ahead = addClockSample(ahead, received(T0 + 120_000, 0, T0 + 120_020));
    expect(clockOffset(ahead)).toBe(-20);
  });

  it("keeps a window's worth, the newest two, and the newest confirmed sample, whatever came after it", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3_600_000 }), offsetMs: fc.integer({ min: -86_400_000, max: 86_400_000 }) }), { maxLength: 60 }), (xs) => {
        let at = T0;
        let kept: ClockSample[] = [];
        const all: ClockSample[] = [];
        for (const x of xs) {
          const sample = { at: (at += x.gap), offsetMs: x.offsetMs };
          kept = addClockSample(kept, sample);
          all.push(kept.find((k) => k.at === sample.at && k.offsetMs === sample.offsetMs)!);
          // The reference: the newest sample (of all ever added) that a sample at least the span before agreed with when it came.
          const confirmed = all.filter((s) => !s.unconfirmed);
          const newest = confirmed.length ? confirmed[confirmed.length - 1]! : null;
          expect(clockOffset(kept)).toBe(newest?.offsetMs ?? null);
          expect(kept.length).toBeLessThanOrEqual(CLOCK_MAX_SAMPLES + 1);
          for (const s of all.slice(-2)) expect(kept).toContainEqual(s);
          for (const s of all) if (s.at > at - CLOCK_WINDOW_MS && all.indexOf(s) >= all.length - CLOCK_MAX_SAMPLES) expect(kept).toContainEqual(s);
          expect(decodeClockSamples(encodeClockSamples(kept))).toEqual(kept);
        }
      }),
    );
  });

  it("reads anything but its own stored form as no samples; one stored before confirmation existed as confirmed", () => {
    for (const text of [null, "", "{}", "[1,2]", "not json", '[["a",1]]', "[[1,2,1]]"]) expect(decodeClockSamples(text)).toEqual([]);
    expect(clockOffset([])).toBeNull();
    expect(clockReading(decodeClockSamples("[[1000,120000]]"))).toEqual({ offsetMs: 120_000, measuredAt: 1000 });
    expect(clockReading(decodeClockSamples("[[1000,120000,0]]"))).toBeNull();
  });
});

const clockWarnsOf = (kept: readonly ClockSample[]) => clockOffWarns(clockOffset(kept), DEFAULT_CLOCK_WARN_MS);

describe("clock offset in words, and when it is flagged (the Agents view and footfall agent list)", () => {
  it("says ahead or behind by the sign, in s under 90 s, min under 2 h, h past; in step under a second", () => {
    expect(formatClockOffset(400)).toBe("in step");
    expect(formatClockOffset(-999)).toBe("in step");
    expect(formatClockOffset(12_400)).toBe("12 s ahead");
    expect(formatClockOffset(-45_000)).toBe("45 s behind");
    expect(formatClockOffset(120_400)).toBe("2 min ahead");
    expect(formatClockOffset(-3 * 3_600_000)).toBe("3 h behind");
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 10 * 86_400_000 }), (ms) => {
        expect(formatClockOffset(ms)).toMatch(/^\d+ (s|min|h) ahead$/);
        expect(formatClockOffset(-ms)).toBe(formatClockOffset(ms).replace("ahead", "behind"));
      }),
    );
  });

  it("flags an offset further from 0 than the threshold, either way; not one unmeasured", () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000, max: 86_400_000 }), fc.integer({ min: 1_000, max: 86_400_000 }), (offset, warnMs) => {
        expect(clockOffWarns(offset, warnMs)).toBe(Math.abs(offset) > warnMs);
        expect(clockOffWarns(-offset, warnMs)).toBe(clockOffWarns(offset, warnMs));
      }),
    );
    expect(clockOffWarns(30_000, DEFAULT_CLOCK_WARN_MS)).toBe(false);
    expect(clockOffWarns(-30_001, DEFAULT_CLOCK_WARN_MS)).toBe(true);
    for (const none of [null, undefined, Number.NaN]) expect(clockOffWarns(none, DEFAULT_CLOCK_WARN_MS)).toBe(false);
  });
});
