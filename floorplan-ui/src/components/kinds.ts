import type { ZoneKind } from "@footfall/core";

/** How each kind of zone looks in the editor and on the flows plan. */
export const KIND_STYLE: Record<ZoneKind, { label: string; fill: string; stroke: string }> = {
  entrance: { label: "Entrance", fill: "rgba(79, 70, 229, 0.16)", stroke: "#4f46e5" },
  zone: { label: "Zone", fill: "rgba(33, 145, 140, 0.16)", stroke: "#21918c" },
  checkout: { label: "Checkout", fill: "rgba(217, 119, 6, 0.16)", stroke: "#d97706" },
  "fitting-room": { label: "Fitting room", fill: "rgba(219, 39, 119, 0.14)", stroke: "#db2777" },
  other: { label: "Other", fill: "rgba(100, 116, 139, 0.14)", stroke: "#64748b" },
  queue: { label: "Queue", fill: "rgba(2, 132, 199, 0.14)", stroke: "#0284c7" },
};
