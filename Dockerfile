# One image for every service; the command picks which (docker-compose.yml sets it per service).
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY libs libs
COPY services services
COPY web web
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20.20-bookworm-slim
WORKDIR /app
# /app is root's and read-only to the services: what they write (the embedded Postgres and the generated
# token secret, when DATABASE_URL and AUTH_JWT_SECRET are unset) goes to KPI_PULSE_DATA_DIR, the node
# user's. Mount a volume there to keep it: docker run -v kpi-pulse-data:/var/lib/kpi-pulse …
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 KPI_PULSE_DATA_DIR=/var/lib/kpi-pulse
RUN mkdir -p /var/lib/kpi-pulse && chown node:node /var/lib/kpi-pulse && chmod 700 /var/lib/kpi-pulse
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY definitions definitions
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + process.env.PORT + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/services/scorecard-gateway/main.js"]
