import { describe, expect, it } from "vitest";
import { isModuleLoadError, viewFailure } from "./viewError.js";

describe("a view that cannot be shown", () => {
  it("tells a chunk that is gone (the server was updated) from other failures, in each browser's words", () => {
    for (const m of [
      "Failed to fetch dynamically imported module: http://localhost:8091/assets/Editor-CQywinU-.js",
      "error loading dynamically imported module: http://x/assets/Flows-1.js",
      "Importing a module script failed.",
    ]) {
      expect(isModuleLoadError(new TypeError(m))).toBe(true);
      expect(viewFailure(new TypeError(m)).detail).toContain("Reload the page");
    }
    expect(isModuleLoadError(new Error("Cannot read properties of undefined (reading 'zones')"))).toBe(false);
    expect(viewFailure(new Error("boom"))).toEqual({ title: "This view failed", detail: "It stopped with: boom. Reload the page; if it happens again, tell your administrator what you did just before." });
  });
});
