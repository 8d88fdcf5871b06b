import type { LayoutInput, Zone, ZoneId } from "@footfall/core";

const zone = (id: string, name: string, kind: Zone["kind"], x: number, y: number, w: number, h: number, capacity: number): Zone => ({
  id: id as ZoneId,
  name,
  kind,
  capacity,
  polygon: [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ],
});

/** The demo store: a 30 x 20 m grocery-and-clothing shop with ten zones. */
export function demoLayout(validFrom: number): LayoutInput {
  return {
    name: "Demo store",
    validFrom,
    timezone: "Europe/Paris",
    floor: { width: 30, height: 20 },
    zones: [
      zone("entrance", "Entrance", "entrance", 12, 16, 6, 4, 15),
      zone("promo", "Promo table", "zone", 12, 11, 6, 4, 10),
      zone("fruit-veg", "Fruit & veg", "zone", 0, 12, 10, 8, 25),
      zone("bakery", "Bakery", "zone", 0, 6, 8, 5, 12),
      zone("dairy", "Dairy", "zone", 0, 0, 10, 5, 15),
      zone("drinks", "Drinks", "zone", 11, 0, 8, 5, 15),
      zone("household", "Household", "zone", 20, 0, 10, 5, 12),
      zone("clothing", "Clothing", "zone", 20, 6, 10, 6, 20),
      zone("fitting-rooms", "Fitting rooms", "fitting-room", 26, 12.5, 4, 3.5, 6),
      zone("checkout", "Checkout", "checkout", 20, 16.5, 9, 3.5, 12),
    ],
  };
}
