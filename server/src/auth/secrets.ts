import { createHash, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Agent passwords are hashed as PBKDF2-SHA512 in Mosquitto's `$7$iterations$salt$hash` format,
 * so the same hash serves the embedded broker and a Mosquitto password file.
 */
const ITERATIONS = 10_000;

export function hashPassword(password: string, iterations = ITERATIONS): string {
  const salt = randomBytes(12);
  const hash = pbkdf2Sync(password, salt, iterations, 64, "sha512");
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** The parts of a `$7$` hash, or null when it is not one. */
function parseHash(stored: string): { iterations: number; salt: Buffer; expected: Buffer } | null {
  const parts = stored.split("$");
  if (parts.length !== 5 || parts[1] !== "7") return null;
  const iterations = Number(parts[2]);
  if (!Number.isInteger(iterations) || iterations < 1) return null;
  const expected = Buffer.from(parts[4]!, "base64");
  if (expected.length === 0) return null;
  return { iterations, salt: Buffer.from(parts[3]!, "base64"), expected };
}

/** Checks a password on the calling thread: 5-11 ms of blocked event loop. Use {@link verifyPasswordAsync} where it serves requests. */
export function verifyPassword(password: string, stored: string): boolean {
  const h = parseHash(stored);
  if (!h) return false;
  const actual = pbkdf2Sync(password, h.salt, h.iterations, h.expected.length, "sha512");
  return actual.length === h.expected.length && timingSafeEqual(actual, h.expected);
}

/** Checks a password on libuv's thread pool, so that the event loop keeps serving while PBKDF2 runs. */
export function verifyPasswordAsync(password: string, stored: string): Promise<boolean> {
  const h = parseHash(stored);
  if (!h) return Promise.resolve(false);
  return new Promise((resolve) =>
    pbkdf2(password, h.salt, h.iterations, h.expected.length, "sha512", (err, actual) => resolve(!err && actual.length === h.expected.length && timingSafeEqual(actual, h.expected))),
  );
}

/** A random secret, URL-safe. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** API tokens carry 192 bits of randomness, so a fast hash is enough to keep them out of the database. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
