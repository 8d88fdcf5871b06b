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

export { Stage, Layer, Group, Line, Arrow, Text, Rect, Circle, Image } from "react-konva/lib/ReactKonvaCore.js";
