/**
 * Konva's core and only the shapes the plans draw: the full `konva` import brings every shape and
 * filter, about a third of the main bundle.
 */
import "konva/lib/shapes/Line.js";
import "konva/lib/shapes/Arrow.js";
import "konva/lib/shapes/Text.js";
import "konva/lib/shapes/Rect.js";
import "konva/lib/shapes/Circle.js";
import "konva/lib/shapes/Image.js";
import { Konva } from "konva/lib/Global.js";

// Plans draw text in plan units (a 28 px figure is ~0.9 unit at a typical zoom). Konva 10 places a
// line's baseline from the font's ascent and descent as the canvas measures them, and Chromium
// measures those in whole pixels: at sizes below a few units the baseline lands a fifth of a line
// off, labels drew on their neighbours (test/browser/live.test.ts checks the pixels). The middle
// baseline of the legacy rendering needs no metrics and centres each line in its box at any size.
Konva.legacyTextRendering = true;

export { Stage, Layer, Group, Line, Arrow, Text, Rect, Circle, Image } from "react-konva/lib/ReactKonvaCore.js";
