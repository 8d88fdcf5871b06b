import { describe, expect, it } from "vitest";
import { nameFlaw, type Layout, type Occupancy, type PathCount } from "@footfall/core";
import { nameProblem, nameShown } from "./names.js";
import { liveScene } from "./live.js";
import { namedPaths } from "./flows.js";
import { storeNames } from "./experiment.js";

describe("nameProblem", () => {
  it("says what the server's name rule refuses, in core nameFlaw's words, with the name written out", () => {
    expect(nameProblem("Label", "Anna\u001b[2J")).toBe("Label “Anna\\u{1b}[2J” holds U+001B (ESC, a control character): a name is one line of plain text; remove it");
    expect(nameProblem("Name", "North\r\nBcc: x")).toBe(`Name “North\\u{d}\\u{a}Bcc: x” ${nameFlaw("North\r\nBcc: x")!.flaw}`);
    expect(nameProblem("Name", "Rivoli \u202eexe.pdf")).toBe(
      "Name “Rivoli \\u{202e}exe.pdf” holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    );
  });
  it("takes names of any script, their marks, and an empty value (whether one is needed is the form's)", () => {
    for (const s of ["", "Caf\u00e9", "\u6771\u4eac", "\u05d7\u05dc\u05d1\u200f", "\u0645\u062a\u062c\u0631 Z\u00fcrich", "\ud83c\udf4e", "Anna's laptop"]) expect(nameProblem("Name", s)).toBeNull();
  });
});

describe("nameShown", () => {
  type Z = Layout["zones"][number];
  const zone = (id: string, name: string) => ({ id, name, kind: "zone", polygon: [[0, 0], [2, 0], [2, 2], [0, 2]], capacity: 2 }) as unknown as Z;
  const OLD = "Fruit\u001b[2J";
  const SHOWN = "Fruit\\u{1b}[2J";

  it("writes out what a name stored before the rule holds, and leaves other names and no name as they are", () => {
    expect(nameShown("Rivoli \u202eexe.pdf")).toBe("Rivoli \\u{202e}exe.pdf");
    expect(nameShown("North\r\nBcc")).toBe("North\\u{d}\\u{a}Bcc");
    expect(nameShown("Caf\u00e9 \u05d7\u05dc\u05d1\u200f")).toBe("Caf\u00e9 \u05d7\u05dc\u05d1\u200f");
    expect([nameShown(null), nameShown(undefined)]).toEqual([null, undefined]);
  });

  it("is how the views' models name zones and stores: the tablet's zones and alerts, paths, store lists", () => {
    const occ = { ts: 0, total: 3, zones: [{ zone: "fruit", occupancy: 3, capacity: 2 }] } as Occupancy;
    const scene = liveScene({ zones: [zone("fruit", OLD)] }, occ);
    expect(scene.zones.map((z) => z.name)).toEqual([SHOWN]);
    expect(scene.alerts.find((a) => a.id === "fruit")?.text).toBe(`${SHOWN}: 3 of 2, over by 1`);
    expect(namedPaths({ zones: [zone("fruit", OLD)] }, [{ zones: ["fruit"], count: 1 } as PathCount]).map((p) => p.names)).toEqual([[SHOWN]]);
    expect(storeNames(["a", "b"], [{ id: "a", name: "Rivoli \u202eexe.pdf" }, { id: "b", name: "Lyon" }])).toBe("Rivoli \\u{202e}exe.pdf, Lyon");
  });
});
