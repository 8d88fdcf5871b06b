/**
 * How a tablet's live connection (Socket.IO) behaves. After its server dies the client tries again
 * after 0.5 s, then at most every 3 s (a load balancer in front of a chain sends it to a server that
 * lives; every server answers every store's live view), and re-joins its store, which answers with
 * the store's occupancy at once (test/e2e/chain-tablet.test.ts: back within seconds of a kill -9).
 */
export function liveSocketOptions(token: string) {
  return { transports: ["websocket"], auth: { token }, forceNew: true, reconnectionDelay: 500, reconnectionDelayMax: 3000, timeout: 5000 };
}
