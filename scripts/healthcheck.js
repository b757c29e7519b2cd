#!/usr/bin/env node
// The image's HEALTHCHECK: exits 0 when this container's service answers GET /health with 200 (PORT, default 3000).
'use strict';
const port = process.env.PORT || '3000';
fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(4000) }).then(
  (response) => process.exit(response.status === 200 ? 0 : 1),
  () => process.exit(1),
);
