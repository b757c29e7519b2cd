#!/usr/bin/env node
// The image's HEALTHCHECK: exits 0 when this container's service answers GET /health (readiness: its database and its bus,
// the same as GET /health/ready) with 200 (PORT, default 3000). Liveness, for a platform that restarts, is GET /health/live.
'use strict';
const port = process.env.PORT || '3000';
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);
