import { describe, expect, it } from "vitest";
import { minuteEvents } from "../../../test/support/minute-events.js";
import type { VisitorId } from "../index.js";
import { visitsOf, visitsOfVisitor } from "./visits.js";

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0);
const opts = { visitTimeoutMs: 30 * MIN };
const { at, enter, exit, position, count } = minuteEvents(T0);

describe("visitsOf", () => {
  it("pairs an enter with the next exit into a closed visit", () => {
    const [v] = visitsOf([enter("v1", "fruit", 0), exit("v1", "fruit", 5)], opts);
    expect(v).toMatchObject({ visitor: "v1", zone: "fruit", enterTs: at(0), exitTs: at(5), status: "closed" });
  });

  it("ignores an event whose id was already seen, the first occurrence winning", () => {
    const visits = visitsOf([enter("v1", "fruit", 0, "same"), exit("v1", "fruit", 5), enter("v1", "fruit", 7, "same")], opts);
    expect(visits).toHaveLength(1);
    expect(visits[0]!.enterTs).toBe(at(0));
  });

  it("ignores a second enter of the same zone before an exit", () => {
    const visits = visitsOf([enter("v1", "fruit", 0), enter("v1", "fruit", 2), exit("v1", "fruit", 5)], opts);
    expect(visits).toEqual([expect.objectContaining({ enterTs: at(0), exitTs: at(5), status: "closed" })]);
  });

  it("ignores an exit with no open visit", () => {
    const visits = visitsOf([exit("v1", "fruit", 0), enter("v1", "fruit", 2), exit("v1", "fruit", 4), exit("v1", "fruit", 6)], opts);
    expect(visits).toEqual([expect.objectContaining({ enterTs: at(2), exitTs: at(4) })]);
  });

  it("keeps visits of different zones of one visitor apart", () => {
    const visits = visitsOf([enter("v1", "fruit", 0), enter("v1", "bread", 1), exit("v1", "fruit", 3)], opts);
    expect(visits.map((v) => [v.zone, v.status])).toEqual([["fruit", "closed"], ["bread", "open"]]);
  });

  it("abandons an open visit when the visitor is silent for visitTimeoutMs before its next event", () => {
    const visits = visitsOf([enter("v1", "fruit", 0), exit("v1", "fruit", 30)], opts);
    expect(visits).toEqual([expect.objectContaining({ status: "abandoned", exitTs: null })]);
  });

  it("keeps a visit open across a silence just shorter than visitTimeoutMs", () => {
    const events = [enter("v1", "fruit", 0), { ...exit("v1", "fruit", 0), ts: at(30) - 1 }];
    expect(visitsOf(events, opts)[0]!.status).toBe("closed");
  });

  it("counts position samples as activity that keeps a visit alive", () => {
    const visits = visitsOf([enter("v1", "fruit", 0), position("v1", 20), exit("v1", "fruit", 40)], opts);
    expect(visits[0]).toMatchObject({ status: "closed", exitTs: at(40) });
  });

  it("opens a new visit on an enter after the silence that abandoned the previous one", () => {
    const visits = visitsOf([enter("v1", "fruit", 0), enter("v1", "fruit", 40), exit("v1", "fruit", 45)], opts);
    expect(visits.map((v) => v.status)).toEqual(["abandoned", "closed"]);
  });

  it("leaves a still-open visit open when no `now` is given", () => {
    expect(visitsOf([enter("v1", "fruit", 0)], opts)[0]!.status).toBe("open");
  });

  it("abandons a still-open visit whose visitor is silent for visitTimeoutMs by `now`", () => {
    expect(visitsOf([enter("v1", "fruit", 0)], { ...opts, now: at(30) })[0]!.status).toBe("abandoned");
    expect(visitsOf([enter("v1", "fruit", 0)], { ...opts, now: at(29) })[0]!.status).toBe("open");
  });

  it("processes events by ts whatever their arrival order", () => {
    const visits = visitsOf([exit("v1", "fruit", 5), enter("v1", "fruit", 0)], opts);
    expect(visits[0]).toMatchObject({ status: "closed", exitTs: at(5) });
  });

  it("breaks ts ties by id: an exit sorting before the enter at the same ts is an orphan", () => {
    const visits = visitsOf([enter("v1", "fruit", 0, "b"), exit("v1", "fruit", 0, "a")], opts);
    expect(visits[0]!.status).toBe("open");
  });

  it("sets lastSeenTs to the visitor's last activity within the trip", () => {
    const events = [enter("v1", "fruit", 0), exit("v1", "fruit", 2), position("v1", 10), position("v1", 50)];
    expect(visitsOf(events, opts)[0]!.lastSeenTs).toBe(at(10));
  });

  it("sorts visits by enter ts, then enter id", () => {
    const visits = visitsOf([enter("v2", "fruit", 3), enter("v1", "bread", 1, "z"), enter("v3", "fruit", 1, "a")], opts);
    expect(visits.map((v) => v.visitor)).toEqual(["v3", "v1", "v2"]);
  });

  it("ignores door counts", () => {
    expect(visitsOf([count("door", at(0), 3, 0)], opts)).toEqual([]);
  });
});

describe("visitsOfVisitor", () => {
  it("gives one visitor's part of visitsOf", () => {
    const events = [enter("v1", "fruit", 0), enter("v2", "fruit", 1), exit("v1", "fruit", 2), position("v2", 40), exit("v2", "fruit", 41)];
    const all = visitsOf(events, { ...opts, now: at(60) });
    expect(visitsOfVisitor("v2" as VisitorId, events, { ...opts, now: at(60) })).toEqual(all.filter((v) => v.visitor === "v2"));
  });
});
