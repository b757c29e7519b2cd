#!/usr/bin/env node
// The reference pull agent (execution's pull executor): runs inside a target environment, long-polls Gantry for the
// next step of its environment, "installs" it, renews its lease while it works, and reports the result once.
//
//   node scripts/agent.js --url http://gantry:3000 --token <agent JWT> --environment edge [--targets edge-1,edge-2]
//     [--artifacts <dir>] [--command "<shell command>"] [--wait 20] [--once]
//   (or `npm run agent -- …`; the token may come from GANTRY_AGENT_TOKEN)
//
// Installing: `--command` runs with the step in GANTRY_STEP (JSON) and fails the step when it exits non-zero;
// `--artifacts <dir>`: the file `<dir>/<name>-<version>` of each component is what was installed, and its sha256 is
// the digest reported (Gantry fails the target `DigestMismatch` when it is not the verified one). One line of JSON on
// stdout per claim and report.
'use strict';
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFile } = require('node:fs/promises');
const { join } = require('node:path');

function options(argv) {
  const o = { wait: 20, targets: undefined, once: false };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'once') o.once = true;
    else o[name] = argv[++i];
  }
  o.token = o.token ?? process.env.GANTRY_AGENT_TOKEN;
  if (!o.url || !o.token || !o.environment) {
    process.stderr.write('usage: agent.js --url <gantry> --token <agent JWT> --environment <name> [--targets a,b] [--artifacts dir] [--command cmd] [--wait s] [--once]\n');
    process.exit(2);
  }
  return { ...o, wait: Number(o.wait), targets: o.targets ? o.targets.split(',') : undefined };
}

const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(o, path, body) {
  const response = await fetch(new URL(path, o.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function run(command, step) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GANTRY_STEP: JSON.stringify(step) } });
    child.on('exit', (code, signal) => resolve(code === 0 ? undefined : `${command} ended with ${signal ?? code}`));
    child.on('error', (error) => resolve(error.message));
  });
}

async function install(o, step) {
  if (o.command) {
    const failure = await run(o.command, step);
    if (failure) return { status: 'failed', reason: 'CommandFailed', detail: failure.slice(0, 2000) };
  }
  if (step.step !== 'deploy' || !o.artifacts) return { status: 'succeeded' };
  const installed = [];
  for (const { name, version } of step.components) {
    const bytes = await readFile(join(o.artifacts, `${name}-${version}`)).catch(() => undefined);
    if (bytes) installed.push({ name, version, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` });
  }
  return { status: 'succeeded', installed };
}

async function work(o, { leaseId, expiresAt, step }) {
  say({ event: 'claimed', leaseId, step: step.step, target: step.target, idempotencyKey: step.idempotencyKey });
  // renew at a third of what is left, so that one lost renewal does not lose the lease
  let renewing;
  const renew = (until) => {
    renewing = setTimeout(async () => {
      const renewed = await post(o, `/agents/steps/${leaseId}/renew`).catch(() => undefined);
      if (renewed?.status === 200) renew(renewed.body.expiresAt);
      else renew(until);
    }, Math.max(200, (Date.parse(until) - Date.now()) / 3));
  };
  renew(expiresAt);
  const result = await install(o, step).finally(() => clearTimeout(renewing));
  // a report whose answer was lost is sent again: Gantry answers a duplicate as the first
  for (;;) {
    const answer = await post(o, `/agents/steps/${leaseId}/report`, result).catch((error) => ({ status: 0, body: error.message }));
    if (answer.status > 0 && answer.status < 500) return say({ event: 'reported', leaseId, status: answer.status, result, answer: answer.body });
    await pause(1000);
  }
}

async function main() {
  const o = options(process.argv.slice(2));
  let stopping = false;
  process.on('SIGTERM', () => (stopping = true));
  while (!stopping) {
    const claimed = await post(o, '/agents/steps/claim', { environment: o.environment, ...(o.targets ? { targets: o.targets } : {}), waitSeconds: o.wait }).catch((error) => ({ status: 0, body: error.message }));
    if (claimed.status === 200) {
      await work(o, claimed.body);
      if (o.once) return;
    } else if (claimed.status !== 204) {
      say({ event: 'refused', status: claimed.status, answer: claimed.body });
      if (claimed.status === 401 || claimed.status === 403) process.exit(1);
      await pause(1000);
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
