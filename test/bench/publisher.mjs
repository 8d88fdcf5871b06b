// Publishes a synthetic stream of enter/exit events as fast as QoS 1 allows and reports when every
// message is acknowledged. Runs as its own process so that the broker/server under test has its core.
// Usage: node publisher.mjs '<json options>'   (url, username, password, store, agent, events, perMessage, zones)
import "./help.mjs"; // --help: this file's leading comment
import mqtt from "mqtt";

const o = JSON.parse(process.argv[2]);
const zones = o.zones ?? ["a", "b", "c", "d"];
const client = mqtt.connect(o.url, { username: o.username, password: o.password, clientId: `bench-${o.agent}-${process.pid}`, clean: true, protocolVersion: 4 });
await new Promise((resolve, reject) => (client.once("connect", resolve), client.once("error", reject)));
client.stream.setNoDelay?.(true);

const topic = `footfall/v1/${o.store}/agents/${o.agent}/events`;
const now = Date.now();
let seq = 0;
function event(i) {
  // Visitor v{i>>1} enters zone then exits it 30 s later: pairs make closed visits.
  const visitor = `v${o.agent}-${i >> 1}`;
  const zone = zones[(i >> 1) % zones.length];
  const ts = now - 3_600_000 + ((i >> 1) % 3_000_000) + (i & 1 ? 30_000 : 0);
  return { type: i & 1 ? "exit" : "enter", id: `${o.agent}:${String(seq++).padStart(10, "0")}`, ts, zone, visitor };
}
const messages = [];
for (let i = 0; i < o.events; i += o.perMessage) {
  const events = [];
  for (let j = i; j < Math.min(o.events, i + o.perMessage); j++) events.push(event(j));
  messages.push(JSON.stringify({ agent: o.agent, events }));
}
const startedAt = Date.now();
const started = performance.now();
let acked = 0;
await new Promise((resolve, reject) => {
  for (const m of messages) {
    client.publish(topic, m, { qos: 1 }, (err) => {
      if (err) return reject(err);
      if (++acked === messages.length) resolve();
    });
  }
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(JSON.stringify({ events: o.events, messages: messages.length, seconds, startedAt }) + "\n");
await client.endAsync();
