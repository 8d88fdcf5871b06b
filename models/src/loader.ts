/**
 * A `tf.io.IOHandler` that reads a TF.js graph model (`model.json` + weight shards) from local
 * files: without tfjs-node there is no `file://` loader, and the weights ship with this package.
 */
import type * as tf from "@tensorflow/tfjs-core";
import { readFile } from "node:fs/promises";
import path from "node:path";

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export function fileHandler(modelJsonPath: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
      if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
        throw new Error(`${modelJsonPath}: not a TF.js model.json (no modelTopology or weightsManifest)`);
      }
      const dir = path.dirname(modelJsonPath);
      const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(dir, p)))));
      const all = Buffer.concat(shards);
      const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData,
      };
      if (json.format !== undefined) artifacts.format = json.format;
      if (json.generatedBy !== undefined) artifacts.generatedBy = json.generatedBy;
      if (json.convertedBy !== undefined) artifacts.convertedBy = json.convertedBy;
      if (json.signature !== undefined) artifacts.signature = json.signature;
      if (json.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = json.userDefinedMetadata;
      return artifacts;
    },
  };
}
