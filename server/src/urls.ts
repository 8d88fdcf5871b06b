/**
 * The one reading of an address the server is given (FOOTFALL_PUBLIC_URL, FOOTFALL_MQTT_URL,
 * FOOTFALL_SMTP_URL, a webhook's url): the WHATWG URL parser's, as fetch and the MQTT and mail
 * clients read it, and the one http(s) rule for the addresses people open or the server posts to.
 */

/** `raw` as the URL parser reads it, or null when it is no absolute URL ("footfall.example.com", "", "http://"). */
export function parseUrl(raw: string): URL | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** Whether `url` is an http:// or https:// address (the parser lowers the scheme: "HTTPS://x" is one). */
export function isHttpUrl(url: URL | null): boolean {
  return url?.protocol === "http:" || url?.protocol === "https:";
}
