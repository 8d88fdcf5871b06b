#!/bin/sh
# The one-shot `init` service of docker-compose.yml: the simulator's agent and its config, an admin
# token, and Mosquitto's password file and ACL, written into the shared volumes.
#
# Folders and URLs come from the environment (defaults: the compose volumes), so the tests run this
# very script on a plain machine. Safe to run again: what exists is kept, the broker files are rewritten.
set -eu
DATA_DIR="${FOOTFALL_DATA_DIR:-/data}"
MOSQUITTO_CONFIG_DIR="${MOSQUITTO_CONFIG_DIR:-/mosquitto-config}"
SIM_CONFIG_DIR="${SIM_CONFIG_DIR:-/sim-config}"
SIM_MQTT_URL="${SIM_MQTT_URL:-mqtt://mosquitto:1883}"
mkdir -p "$DATA_DIR" "$MOSQUITTO_CONFIG_DIR" "$SIM_CONFIG_DIR"

# The simulated store's agent, made on the first run; its credentials go into the simulator's
# config and nowhere else.
if [ ! -s "$SIM_CONFIG_DIR/sim-1.json" ]; then
  footfall agent add sim-1 --store demo --kind sim > "$SIM_CONFIG_DIR/sim-1.credentials.json"
  node -e '
    const [file, url] = process.argv.slice(1);
    const c = JSON.parse(require("node:fs").readFileSync(file, "utf8"));
    const config = { kind: "sim", store: c.store, agent: c.agent, mqtt: { url, username: c.username, password: c.password }, settings: { speed: 60, backfillHours: 24 } };
    process.stdout.write(JSON.stringify(config, null, 2) + "\n");
  ' "$SIM_CONFIG_DIR/sim-1.credentials.json" "$SIM_MQTT_URL" > "$SIM_CONFIG_DIR/sim-1.json"
  rm "$SIM_CONFIG_DIR/sim-1.credentials.json"
  chmod 600 "$SIM_CONFIG_DIR/sim-1.json"
fi

# An admin token for the UI and the `layout` service, made on the first run only.
if [ ! -s "$DATA_DIR/admin-token.json" ]; then
  footfall token add --role admin --label docker-compose > "$DATA_DIR/admin-token.json"
  chmod 600 "$DATA_DIR/admin-token.json"
fi
echo "Footfall admin token: $(node -e 'process.stdout.write(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).token)' "$DATA_DIR/admin-token.json")"

# Mosquitto's users (every agent and the server, FOOTFALL_MQTT_USERNAME/PASSWORD) and ACL.
footfall broker-config --out "$MOSQUITTO_CONFIG_DIR"
# The eclipse-mosquitto image runs as uid 1883, and the password file is private (0600).
chown 1883:1883 "$MOSQUITTO_CONFIG_DIR/passwd" "$MOSQUITTO_CONFIG_DIR/acl" 2>/dev/null || true

# In the image every other service runs as `node` (the Dockerfile's USER); this one-shot runs as root
# (docker-compose.yml) for the chown above, so it hands what it wrote over. Elsewhere (no such user,
# or not root) nothing changes.
APP_USER="${FOOTFALL_APP_USER:-node}"
if [ "$(id -u)" = 0 ] && id "$APP_USER" >/dev/null 2>&1; then chown -R "$APP_USER:$APP_USER" "$DATA_DIR" "$SIM_CONFIG_DIR"; fi
