#!/bin/sh
# Installs the Mosquitto password file and ACL the Footfall server keeps in its own folder for a Mosquitto of the system,
# then reloads Mosquitto (README, "A Mosquitto of the system"). Run as root by footfall-broker-sync.service, which
# footfall-broker-sync.path starts whenever the server rewrites them (an admin added, rotated or revoked an agent):
#   footfall-broker-sync.sh <the server's folder: passwd, acl> <Mosquitto's folder>
# Each file is copied for Mosquitto's user (mosquitto:mosquitto 0600, as Mosquitto 2 wants them) to a temporary name in
# Mosquitto's folder, then renamed over the old one, so that Mosquitto never reads half a file. A change the server makes
# while this runs starts no second run (systemd merges it into this one): so after reloading Mosquitto
# (`systemctl try-reload-or-restart`: Debian's unit sends SIGHUP; a Mosquitto that is not running reads the files when
# it starts) it compares, and copies and reloads again until what it installed is what the server's folder holds.
# test/e2e/systemd.test.ts runs it as its unit does.
set -eu
src=${1:?usage: footfall-broker-sync.sh <server folder> <mosquitto folder>}
dst=${2:?usage: footfall-broker-sync.sh <server folder> <mosquitto folder>}
for f in passwd acl; do
  if [ ! -f "$src/$f" ]; then
    echo "footfall-broker-sync: no $src/$f: write it first as the server's user (footfall broker-config --out $src, README), then start footfall-broker-sync.service" >&2
    exit 1
  fi
done
round=0
while :; do
  for f in passwd acl; do
    install -o mosquitto -g mosquitto -m 0600 "$src/$f" "$dst/.$f.footfall-sync"
    mv -f "$dst/.$f.footfall-sync" "$dst/$f"
  done
  echo "footfall-broker-sync: installed $dst/passwd and $dst/acl for user mosquitto; reloading mosquitto"
  systemctl try-reload-or-restart mosquitto.service
  if cmp -s "$src/passwd" "$dst/passwd" && cmp -s "$src/acl" "$dst/acl"; then exit 0; fi
  round=$((round + 1))
  if [ "$round" -ge 10 ]; then
    echo "footfall-broker-sync: $src/passwd and acl kept changing while they were copied (10 times): run footfall-broker-sync.service again" >&2
    exit 1
  fi
done
