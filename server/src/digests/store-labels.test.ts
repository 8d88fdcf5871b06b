/**
 * How a digest names its stores: as the chain view does (the store list's names), the id where a
 * store has none, and a name two of its stores share followed by the id.
 */
import { describe, expect, it } from "vitest";
import { storeLabels } from "./mail.js";

const services = (stores: { id: string; name: string }[]) => ({ storage: { stores: { list: async () => stores } } }) as unknown as Parameters<typeof storeLabels>[0];

describe("storeLabels", () => {
  it("names each store by its name in the store list", async () => {
    const labels = await storeLabels(services([{ id: "store-0004", name: "Express Munich" }, { id: "store-0010", name: "Hauptbahnhof" }]), ["store-0004", "store-0010"]);
    expect([...labels]).toEqual([["store-0004", "Express Munich"], ["store-0010", "Hauptbahnhof"]]);
  });

  it("falls back to the id for a store without a name, or one not in the list", async () => {
    const labels = await storeLabels(services([{ id: "blank", name: "  " }]), ["blank", "gone"]);
    expect([...labels]).toEqual([["blank", "blank"], ["gone", "gone"]]);
  });

  it("follows a name two of the stores share with the id, so their rows stay apart", async () => {
    const labels = await storeLabels(services([{ id: "s1", name: "Express" }, { id: "s2", name: "Express" }, { id: "s3", name: "Outlet" }]), ["s1", "s2", "s3"]);
    expect([...labels.values()]).toEqual(["Express (s1)", "Express (s2)", "Outlet"]);
  });
});
