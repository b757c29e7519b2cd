import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '@gantry/platform';
import { repoRoot } from './support/processes';

/**
 * docker-compose.yml read as `docker compose` would take it (there is no Docker engine here to run it): what a platform
 * engineer relies on when they start it next to their own servers. The image it builds is run by docker-image.e2e.
 */
interface ComposeService {
  volumes?: string[];
  build?: string;
  image?: string;
  command?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  healthcheck?: unknown;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
};
const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
const GANTRY = ['planning', 'verification', 'execution', 'records', 'model-review'];
// ports that `npm start`, the services started by hand, a local PostgreSQL, `npm run infra:up` and the tests' broker use
const TAKEN_LOCALLY = [3000, 3001, 3002, 3003, 3004, 3005, 5432, 9092, 19092, 50051, 50052, 50053];

/** `127.0.0.1:3010-3019:3001` → the host ports 3010…3019 and the container port 3001 */
const published = (mapping: string) => {
  const [host, range, container] = mapping.split(':');
  const [first, last = first] = range.split('-').map(Number);
  return { host, ports: Array.from({ length: last - first + 1 }, (_, i) => first + i), container: Number(container) };
};

it('runs the five services from the image, each started as start-service.sh knows it and health-checked', () => {
  const accepted = /case "\$\{1:-\}" in ([^)]+)\)/.exec(readFileSync(join(repoRoot, 'scripts', 'start-service.sh'), 'utf8'))![1].split('|');
  expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD/m);
  for (const name of GANTRY) {
    const service = compose.services[name];
    expect({ name, build: service.build, command: service.command }).toEqual({ name, build: '.', command: [name] });
    expect(accepted).toContain(name);
    expect(service.depends_on).toEqual({ kafka: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
  }
  expect(compose.services.kafka.healthcheck).toBeDefined();
  expect(compose.services.postgres.healthcheck).toBeDefined();
});

it('publishes on loopback only, on no port that local servers or the other ways to run Gantry use', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const mapping of service.ports ?? []) {
      const { host, ports } = published(mapping.replace(/\$\{\w+:-(\d+)\}/g, '$1'));
      expect({ name, host }).toEqual({ name, host: '127.0.0.1' });
      expect({ name, taken: ports.filter((p) => TAKEN_LOCALLY.includes(p)) }).toEqual({ name, taken: [] });
    }
  }
});

it('lets every service scale out: each publishes a range of host ports that no other service shares, on its own PORT', () => {
  const owners = new Map<number, string>();
  for (const name of GANTRY) {
    const service = compose.services[name];
    const mappings = (service.ports ?? []).map(published);
    expect(mappings.map((m) => m.container)).toContain(Number(service.environment!.PORT));
    for (const { ports } of mappings) {
      expect(ports.length).toBeGreaterThan(1);
      for (const port of ports) {
        expect({ port, owner: owners.get(port) ?? name }).toEqual({ port, owner: name });
        owners.set(port, name);
      }
    }
  }
});

it('has no JWT secret of its own: compose refuses to start until one is set', () => {
  for (const name of GANTRY) expect(compose.services[name].environment!.GANTRY_JWT_SECRET).toMatch(/^\$\{GANTRY_JWT_SECRET:\?.+\}$/);
});

it("records signs its ledger's checkpoints with a key the operator gives as a secret: compose refuses to start without one", () => {
  expect(compose.services.records.environment!.GANTRY_LEDGER_KEY_FILE).toBe('/run/secrets/ledger-key');
  expect(compose.services.records.secrets).toEqual(['ledger-key']);
  expect(compose.secrets['ledger-key'].file).toMatch(/^\$\{GANTRY_LEDGER_KEY_FILE:\?.+\}$/);
  for (const name of GANTRY.filter((n) => n !== 'records')) expect(compose.services[name].environment!.GANTRY_LEDGER_KEY_FILE).toBeUndefined();
});

it("runs the services as the database's runtime role and their migrations as its owner, both made at the database's first start", () => {
  const { environment, volumes = [] } = compose.services.postgres;
  const withDefaults = (url: string) => new URL(url.replace(/\$\{\w+:-([^}]+)\}/g, '$1'));
  for (const name of GANTRY) {
    const env = compose.services[name].environment!;
    expect(withDefaults(env.DATABASE_URL)).toMatchObject({ username: 'gantry_runtime', password: environment!.GANTRY_DB_RUNTIME_PASSWORD!.replace(/\$\{\w+:-([^}]+)\}/, '$1'), pathname: `/${environment!.POSTGRES_DB}` });
    expect(withDefaults(env.GANTRY_MIGRATION_DATABASE_URL)).toMatchObject({ username: 'gantry_owner', password: environment!.GANTRY_DB_OWNER_PASSWORD!.replace(/\$\{\w+:-([^}]+)\}/, '$1'), pathname: `/${environment!.POSTGRES_DB}` });
  }
  // the postgres image runs what is in /docker-entrypoint-initdb.d when its volume is new; the script reads roles.sql where it is mounted
  const mounts = Object.fromEntries(volumes.filter((v) => v.startsWith('./')).map((v) => v.split(':') as [string, string]));
  const init = Object.keys(mounts).find((source) => mounts[source]!.startsWith('/docker-entrypoint-initdb.d/'))!;
  expect(init).toBe('./infra/postgres/init-roles.sh');
  const sql = Object.keys(mounts).find((source) => source.endsWith('roles.sql'))!;
  for (const source of [init, sql]) expect(existsSync(join(repoRoot, source))).toBe(true);
  expect(readFileSync(join(repoRoot, init), 'utf8')).toContain(`\${GANTRY_ROLES_SQL:-${mounts[sql]}}`);
});

it("passes the operator's proxy trust and console origins through, empty (the defaults) when unset", () => {
  for (const name of GANTRY) {
    const env = compose.services[name].environment!;
    expect({ name, trust: env.GANTRY_TRUST_PROXY, cors: env.GANTRY_CORS_ORIGINS }).toEqual({ name, trust: '${GANTRY_TRUST_PROXY:-}', cors: '${GANTRY_CORS_ORIGINS:-}' });
  }
  // what compose gives a service when neither is set
  expect(loadConfig('planning', { GANTRY_TRUST_PROXY: '', GANTRY_CORS_ORIGINS: '' })).toMatchObject({ corsOrigins: [] });
  expect(loadConfig('planning', { GANTRY_TRUST_PROXY: '', GANTRY_CORS_ORIGINS: '' }).trustProxy).toBeUndefined();
});
