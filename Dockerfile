# Footfall: the server (`footfall`) and the edge agents (`footfall-edge`) in one image.
FROM node:20-bookworm-slim

# better-sqlite3 compiles from source when no prebuilt binary fits the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# The workspaces' bin shims are committed, so `npm ci` links footfall and footfall-edge.
RUN npm ci --no-audit --no-fund && npm run build

ENV NODE_ENV=production \
    PATH=/app/node_modules/.bin:$PATH \
    FOOTFALL_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080 1883
CMD ["footfall", "serve"]
