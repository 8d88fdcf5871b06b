/**
 * A tablet signed in with a token limited to a store group follows a store of the group live; once
 * the store is taken out of the group, the live feed stops (as HTTP refuses it at the next request):
 * the socket is closed within the hub's sweep, and joining again is refused naming the group.
 */
import { io, type Socket } from "socket.io-client";
import { beforeAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer();
let staff: string;

beforeAll(async () => {
  for (const s of ["lille", "paris"]) await t.putLayout(s, smallLayout({ name: s }));
  expect((await t.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["lille", "paris"] })).status).toBe(200);
  staff = (await t.request<{ token: string }>("POST", "/api/v1/tokens", { role: "staff", group: "north", label: "area tablet" })).body.token;
});

describe("a group token's live feed", () => {
  it("stops for a store taken out of the group, and a new join is refused naming the group", async () => {
    const socket: Socket = io(t.server.httpUrl, { auth: { token: staff }, transports: ["websocket"], reconnection: false, forceNew: true });
    try {
      const join = (store: string) => new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit("join", store, resolve));
      const first = new Promise((resolve) => socket.once("occupancy", resolve));
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      expect(await join("paris")).toEqual({ ok: true });
      await first;
      const closed = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      expect((await t.request("PATCH", "/api/v1/groups/north", { stores: ["lille"] })).status).toBe(200);
      expect((await t.request("GET", "/api/v1/stores/paris/occupancy", undefined, staff)).status).toBe(403);
      expect(await closed).toBe("io server disconnect");
      socket.connect();
      await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
      expect(await join("paris")).toEqual({ ok: false, error: 'this token is limited to the stores of group "north"' });
      expect(await join("lille")).toEqual({ ok: true });
    } finally {
      socket.close();
    }
  });
});
