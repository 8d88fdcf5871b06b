import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

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

export function verifyPassword(password: string, stored: string): boolean {
  const parts = stored.split("$");
  if (parts.length !== 5 || parts[1] !== "7") return false;
  const iterations = Number(parts[2]);
  if (!Number.isInteger(iterations) || iterations < 1) return false;
  const salt = Buffer.from(parts[3]!, "base64");
  const expected = Buffer.from(parts[4]!, "base64");
  const actual = pbkdf2Sync(password, salt, iterations, expected.length, "sha512");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random secret, URL-safe. */
export function newSecret(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** API tokens carry 192 bits of randomness, so a fast hash is enough to keep them out of the database. */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
