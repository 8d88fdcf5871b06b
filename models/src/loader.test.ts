import { describe, expect, it } from "vitest";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileHandler } from "./loader.js";
import { defaultModelDir, modelLoadError } from "./centernet.js";

describe("fileHandler", () => {
  it("reads the shipped model.json and concatenates its weight shards", async () => {
    const artifacts = await fileHandler(path.join(defaultModelDir(), "centernet.json")).load!();
    expect(artifacts.modelTopology).toBeDefined();
    expect(artifacts.weightSpecs!.length).toBeGreaterThan(100);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe(4_030_290);
  });
  it("says what is wrong with a file that is not a TF.js model", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "footfall-model-"));
    await writeFile(path.join(dir, "model.json"), JSON.stringify({ hello: 1 }));
    await expect(fileHandler(path.join(dir, "model.json")).load!()).rejects.toThrow(/not a TF.js model.json/);
  });
  it("says to install @footfall/models again when a shipped model file is missing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "footfall-model-"));
    const file = path.join(dir, "centernet.json");
    await writeFile(file, JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ["centernet.bin"], weights: [] }] }));
    const err = await fileHandler(file).load!().catch((e: unknown) => e);
    expect(modelLoadError(file, err, true)).toBe(
      `cannot load the person detection model ${file}: a file of it is missing (${path.join(dir, "centernet.bin")}); ` +
        "its files (centernet.json and centernet.bin) ship in @footfall/models' assets/centernet/: install the package again (`npm install @footfall/models`, or `npm install` in the agent's folder)",
    );
  });
});
