/**
 * The clock offset estimator against a reference that keeps every sample and reads the window off
 * the whole list; and against the model it is built on: an agent clock `skew` ahead, each status
 * delayed d >= 0, so the estimate is never above the skew and is the skew exactly once one status
 * came without delay.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addClockSample, CLOCK_MAX_SAMPLES, CLOCK_WINDOW_MS, clockOffset, clockOffWarns, decodeClockSamples, DEFAULT_CLOCK_WARN_MS, encodeClockSamples, formatClockOffset, type ClockSample } from "./clock-offset.js";

/** Every sample of the window ending at the newest; with at most CLOCK_MAX_SAMPLES kept, the newest of them. */
function reference(all: readonly ClockSample[]): number | null {
  if (all.length === 0) return null;
  const sorted = [...all].sort((a, b) => a.at - b.at);
  const newest = sorted[sorted.length - 1]!.at;
  const kept = sorted.filter((s) => newest - s.at < CLOCK_WINDOW_MS).slice(-CLOCK_MAX_SAMPLES);
  return Math.max(...kept.map((s) => s.offsetMs));
}

const T0 = Date.UTC(2026, 0, 1);
/** Statuses in receive order: gaps of 0-5 min, offsets within a day either way. */
const samples = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 300_000 }), offsetMs: fc.integer({ min: -86_400_000, max: 86_400_000 }) }), { maxLength: 60 }).map((xs) => {
  let at = T0;
  return xs.map(({ gap, offsetMs }) => ({ at: (at += gap), offsetMs }));
});

const fold = (xs: readonly ClockSample[]) => xs.reduce<ClockSample[]>((kept, s) => addClockSample(kept, s), []);

describe("clock offset estimator", () => {
  it("equals the reference after each sample, and survives its stored form", () => {
    fc.assert(
      fc.property(samples, (xs) => {
        let kept: ClockSample[] = [];
        for (let i = 0; i < xs.length; i++) {
          kept = decodeClockSamples(encodeClockSamples(addClockSample(kept, xs[i]!)));
          expect(clockOffset(kept)).toBe(reference(xs.slice(0, i + 1)));
          expect(kept.length).toBeLessThanOrEqual(CLOCK_MAX_SAMPLES);
        }
      }),
    );
  });

  it("bounds the skew from below whatever the delays, and finds it from one prompt status", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3_600_000, max: 3_600_000 }),
        fc.array(fc.record({ gap: fc.integer({ min: 1_000, max: 60_000 }), delay: fc.integer({ min: 0, max: 600_000 }) }), { minLength: 1, maxLength: 30 }),
        (skew, sends) => {
          let sent = T0;
          const xs = sends.map(({ gap, delay }) => {
            sent += gap;
            const at = sent + delay; // the server's clock
            return { at, offsetMs: sent + skew - at }; // ts: the agent's clock at sending
          });
          const estimate = clockOffset(fold(xs))!;
          expect(estimate).toBeLessThanOrEqual(skew);
          // The newest status sent promptly: the estimate is the skew exactly.
          const last = xs[xs.length - 1]!;
          const prompt = { at: last.at + 1_000, offsetMs: skew };
          expect(clockOffset(fold([...xs, prompt]))).toBe(skew);
        },
      ),
    );
  });

  it("forgets a clock that was set right once the window has passed", () => {
    const off = fold([{ at: T0, offsetMs: 120_000 }, { at: T0 + 30_000, offsetMs: 119_990 }]);
    expect(clockOffset(off)).toBe(120_000);
    expect(clockOffset(addClockSample(off, { at: T0 + 60_000, offsetMs: 5 }))).toBe(120_000);
    expect(clockOffset(addClockSample(off, { at: T0 + 30_000 + CLOCK_WINDOW_MS, offsetMs: 5 }))).toBe(5);
  });

  it("reads anything but its own stored form as no samples", () => {
    for (const text of [null, "", "{}", "[1,2]", "not json", '[["a",1]]']) expect(decodeClockSamples(text)).toEqual([]);
    expect(clockOffset([])).toBeNull();
  });
});

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
