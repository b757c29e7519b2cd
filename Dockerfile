# One image for every Gantry service; the command picks the service (see docker-compose.yml).
# No step is written here alone: infra/image/build.sh is the build stage, and e2e/docker-image.e2e.spec.ts runs this
# file's steps on a clean copy of the repository (there is no Docker engine on the machines that test Gantry).
FROM node:24-bookworm-slim AS build
WORKDIR /gantry
COPY . .
RUN bash infra/image/build.sh

FROM node:24-bookworm-slim
WORKDIR /gantry
COPY --from=build /gantry/image/ ./
ENV HOST=0.0.0.0 NODE_ENV=production
USER node
EXPOSE 3000 3001 3002 3003 3004 3005 50051 50052 50053
HEALTHCHECK --interval=5s --timeout=5s --start-period=60s --retries=3 CMD ["node", "scripts/healthcheck.js"]
ENTRYPOINT ["bash", "scripts/start-service.sh"]
CMD ["planning"]
