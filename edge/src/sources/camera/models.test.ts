import { describe, expect, it } from "vitest";
import { loadModels } from "./camera.js";

describe("loadModels (the camera's optional @footfall/models)", () => {
  it("says what to install when the package is missing, and that other agents run without it", async () => {
    const err = await loadModels("@footfall/models-not-installed").then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^the camera source needs the optional package @footfall\/models-not-installed \(person detection\), which is not installed/);
    expect(err?.message).toMatch(/npm install -w edge @footfall\/models/);
    expect(err?.message).toMatch(/door, beacon and sim agents run without it/);
  });
});
