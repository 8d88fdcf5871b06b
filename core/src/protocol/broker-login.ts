/**
 * Whether an MQTT client error's `code` is the broker refusing the login: CONNACK 4 (bad user name or password) or 5
 * (not authorised) in MQTT 3.1.1, 134 or 135 in MQTT 5. The server's start and the edge agents' logs both say to check
 * the credentials then.
 */
export function isLoginRefusedCode(code: unknown): boolean {
  return code === 4 || code === 5 || code === 134 || code === 135;
}
