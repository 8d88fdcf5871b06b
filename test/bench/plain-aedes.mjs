// A bare Aedes broker (no auth, no ingest): the ceiling of what the embedded broker can accept.
import "./help.mjs"; // --help: this file's leading comment
import { Aedes } from "aedes";
import { createServer } from "node:net";

const broker = await Aedes.createBroker();
const server = createServer({ noDelay: true }, (s) => broker.handle(s));
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n"));
process.on("SIGTERM", () => broker.close(() => server.close(() => process.exit(0))));
