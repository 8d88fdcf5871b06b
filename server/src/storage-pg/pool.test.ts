import { describe, expect, it } from "vitest";
import { isUnreachable, unreachableMessage } from "./pool.js";

const failed = (message: string, code?: string) => Object.assign(new Error(message), code === undefined ? {} : { code });

describe("isUnreachable: a failed query says PostgreSQL could not be reached or let us in, not that the query failed", () => {
  it.each([
    ["no server on the port", failed("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED")],
    ["an unknown host", failed("getaddrinfo ENOTFOUND db.example", "ENOTFOUND")],
    ["a connection that ended", failed("Connection terminated unexpectedly")],
    ["a wrong password", failed('password authentication failed for user "footfall"', "28P01")],
    ["a database that does not exist", failed('database "footfal" does not exist', "3D000")],
    ["a server starting up", failed("the database system is starting up", "57P03")],
    ["a connection failure reported by the server", failed("connection failure", "08006")],
  ])("%s: unreachable", (_what, err) => {
    expect(isUnreachable(err)).toBe(true);
  });

  it.each([
    ["a table that does not exist (no chain yet)", failed('relation "shard_leases" does not exist', "42P01")],
    ["a permission refused on a table", failed("permission denied for table shard_leases", "42501")],
    ["a query cancelled", failed("canceling statement due to statement timeout", "57014")],
  ])("%s: reached", (_what, err) => {
    expect(isUnreachable(err)).toBe(false);
  });

  it("the message masks the password and says what to check", () => {
    expect(unreachableMessage("postgres://footfall:s3cret@db:5432/footfall", failed("connect ECONNREFUSED"))).toBe(
      "cannot reach PostgreSQL at postgres://footfall:***@db:5432/footfall (FOOTFALL_DATABASE_URL): connect ECONNREFUSED; is it running, and are the user, password and database right?",
    );
  });
});
