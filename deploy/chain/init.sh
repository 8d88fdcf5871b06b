#!/bin/sh
# The one-shot `chain-init` service of docker-compose.yml's chain profile: the simulated chain's
# stores and floor plans, one agent per store (its login goes into the simulator's credentials
# file and nowhere else), an admin token, and Mosquitto's password file and ACL.
#
# Folders come from the environment (defaults: the compose volumes), so the tests run this very
# script on a plain machine. Safe to run again: stores that have an agent keep it, the token stays,
# the broker files are rewritten.
set -eu
DATA_DIR="${FOOTFALL_DATA_DIR:-/data}"
MOSQUITTO_CONFIG_DIR="${MOSQUITTO_CONFIG_DIR:-/mosquitto-config}"
CHAIN_CONFIG_DIR="${CHAIN_CONFIG_DIR:-/chain-config}"
CHAIN_STORES="${CHAIN_STORES:-50}"
CHAIN_SEED="${CHAIN_SEED:-1}"
mkdir -p "$DATA_DIR" "$MOSQUITTO_CONFIG_DIR" "$CHAIN_CONFIG_DIR"

# The stores and their floor plans: the same for the same seed and count.
footfall-edge chain --stores "$CHAIN_STORES" --seed "$CHAIN_SEED" --print-layouts > "$CHAIN_CONFIG_DIR/layouts.json"

# One agent per store, made once (JSON lines, as `footfall-edge chain --credentials` reads them).
AGENTS="$CHAIN_CONFIG_DIR/agents.jsonl"
touch "$AGENTS"
chmod 600 "$AGENTS"
made=0
for store in $(node -e 'for (const s of JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).stores) console.log(s.store)' "$CHAIN_CONFIG_DIR/layouts.json"); do
  if ! grep -q "\"store\":\"$store\"" "$AGENTS"; then
    footfall agent add sim-1 --store "$store" --kind sim | node -e 'process.stdout.write(JSON.stringify(JSON.parse(require("node:fs").readFileSync(0, "utf8"))) + "\n")' >> "$AGENTS"
    made=$((made + 1))
  fi
done
echo "chain: $CHAIN_STORES stores, $made new agents"

# An admin token for the UI and the `chain-layouts` service, made on the first run only.
if [ ! -s "$DATA_DIR/admin-token.json" ]; then
  footfall token add --role admin --label docker-compose-chain > "$DATA_DIR/admin-token.json"
  chmod 600 "$DATA_DIR/admin-token.json"
fi
echo "Footfall admin token: $(node -e 'process.stdout.write(JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")).token)' "$DATA_DIR/admin-token.json")"

# Mosquitto's users (every agent and the servers, FOOTFALL_MQTT_USERNAME/PASSWORD) and ACL.
footfall broker-config --out "$MOSQUITTO_CONFIG_DIR"
chown 1883:1883 "$MOSQUITTO_CONFIG_DIR/passwd" "$MOSQUITTO_CONFIG_DIR/acl" 2>/dev/null || true

# In the image every other service runs as `node` (the Dockerfile's USER); this one-shot runs as root
# (docker-compose.yml) for the chown above, so it hands what it wrote over. Elsewhere (no such user,
# or not root) nothing changes.
APP_USER="${FOOTFALL_APP_USER:-node}"
if [ "$(id -u)" = 0 ] && id "$APP_USER" >/dev/null 2>&1; then chown -R "$APP_USER:$APP_USER" "$DATA_DIR" "$CHAIN_CONFIG_DIR"; fi
