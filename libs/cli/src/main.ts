// `gantry`: scripts/gantry.js runs this, compiled (scripts/run.js).
import { runGantry } from './program';

// a reader that stopped reading (`gantry deployments | head`) is no failure of ours
for (const stream of [process.stdout, process.stderr]) stream.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit(process.exitCode ?? 0) : undefined));

void runGantry(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then((code) => {
  process.exitCode = code;
});
