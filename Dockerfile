# Footfall: the server (`footfall`) and the edge agents (`footfall-edge`) in one image.
# Two stages: the build stage has the compilers (better-sqlite3 compiles from source when no prebuilt
# binary fits) and the dev tools; the final stage has Node 22 LTS, the built workspaces and their
# production dependencies, and runs as the unprivileged `node` user. Both stages are the same Debian
# release, so the addon compiled in the first runs in the second. test/dockerfile.test.ts checks this.

FROM node:22-bookworm-slim AS build
# fonts-dejavu-core: the digests' chart is rendered to PNG on the server (resvg, system fonts) and
# needs a font for its labels; the final stage copies the font files, so it installs nothing itself.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# The workspaces' bin shims are committed, so `npm ci` links footfall and footfall-edge.
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH \
    FOOTFALL_DATA_DIR=/data
# The code belongs to root (the service cannot change it); the folders docker-compose mounts volumes
# on belong to `node`, so that new volumes do too.
COPY --from=build /app /app
COPY --from=build /usr/share/fonts/truetype/dejavu /usr/share/fonts/truetype/dejavu
RUN mkdir -p /data /sim-config /chain-config /chain-ledger \
 && chown node:node /data /sim-config /chain-config /chain-ledger
WORKDIR /app
USER node
VOLUME ["/data"]
EXPOSE 8080 1883
CMD ["footfall", "serve"]
