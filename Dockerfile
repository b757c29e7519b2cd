# One image for every Gantry service; the command picks the service (see docker-compose.yml).
FROM node:24-bookworm-slim
WORKDIR /gantry
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=optional || npm ci --no-audit --no-fund
COPY . .
ENV HOST=0.0.0.0 NODE_ENV=production
EXPOSE 3000 3001 3002 3003 3004 3005 50051
ENTRYPOINT ["bash", "scripts/start-service.sh"]
CMD ["planning"]
