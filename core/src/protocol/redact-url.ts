/**
 * A URL as logs and messages show it: the password of a broker or server URL with credentials in it
 * (`mqtt://user:secret@host:1883`, which mqtt.js accepts) as `***`, so that no log holds it. A URL
 * without one is returned as it is.
 */
export function redactUrl(url: string): string {
  // scheme://user:password@host...: a password holds no unescaped "@" or "/".
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^/@]*@/i, "$1:***@");
}
