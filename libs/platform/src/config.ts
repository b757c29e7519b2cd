import { DEFAULT_IDENTITY_CASE, IDENTITY_CASES, type IdentityCase } from '@gantry/decider';
import type { Service } from '@gantry/contracts';
import { proxyTrust, type ProxyTrust } from '@gantry/auth';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The five services, as the contracts name them (each owns the topic SERVICE_TOPICS gives it). */
export type ServiceName = Service;
export type ProcessName = ServiceName | 'standalone';

/** Default HTTP ports; one process per service in the distributed mode, one port for all in the embedded default. */
export const DEFAULT_PORTS: Record<ProcessName, number> = {
  standalone: 3000,
  planning: 3001,
  verification: 3002,
  execution: 3003,
  records: 3004,
  'model-review': 3005,
};

export interface GantryConfig {
  process: ProcessName;
  /**
   * The environment the process was configured from: the services' own settings (records' ledger log, verification's
   * and model-review's policies, execution's executors) are read from it, so that a process booted with an environment
   * of its own (a test, an embedding) gets them from there, never from another process's.
   */
  env: NodeJS.ProcessEnv;
  host: string;
  port: number;
  grpcPort: number;
  /** PostgreSQL connection string; absent → embedded PGlite in `dataDir` */
  databaseUrl?: string;
  /**
   * The owner role's connection string, for the migrations at start only; `databaseUrl` is then the runtime role's
   * (libs/platform/src/database-roles.ts). Absent: one role does both.
   */
  migrationDatabaseUrl?: string;
  /** absent → the in-process bus */
  kafkaBrokers?: string[];
  dataDir: string;
  /** JSON bodies above this are refused with 413 */
  bodyLimitBytes: number;
  /** how deep a JSON body may nest (objects and arrays): deeper is refused before it is parsed */
  bodyMaxDepth: number;
  /** after SIGTERM/SIGINT, how long a graceful stop may take before the process exits anyway */
  shutdownTimeoutMs: number;
  /** HTTP requests per identity and minute (0: no limit), and how many may come at once */
  rateLimitPerMinute: number;
  rateLimitBurst: number;
  /** failed authentications per source address (AuthGuard): `perMinute` 0 is no limit */
  failedAuthentications: { perMinute: number; burst: number };
  /** gRPC calls per source address, before anything else of the call (GrpcTransport): `perMinute` 0 is no limit */
  grpcCalls: { perMinute: number; burst: number };
  kafkaSessionTimeoutMs: number;
  /** the partitions and replication factor of the topics the services create when they are missing */
  kafkaTopics: { partitions: number; replicationFactor: number };
  /** how long the broker may hold a consumer's fetch when there is nothing new */
  kafkaFetchMaxWaitMs: number;
  /** the least time between a consumer's heartbeats (sent between fetches) */
  kafkaHeartbeatIntervalMs: number;
  /** the proxies trusted to name the client (GANTRY_TRUST_PROXY); none: the peer is the source */
  trustProxy?: ProxyTrust;
  /** TLS to the brokers (CA certificates in PEM, or the system's) and SASL credentials; absent: plaintext */
  kafkaSecurity?: KafkaSecurity;
  /** put before every Kafka topic name: installations (or tests) sharing one cluster keep their topics apart */
  topicPrefix?: string;
  /**
   * Put before every consumer group (and inbox) name: two Gantry installations sharing one Kafka cluster, or tests
   * running side by side on one broker, keep their consumer groups apart. Default none.
   */
  consumerGroupPrefix: string;
  /** how subjects are compared where duties must be separated (GANTRY_IDENTITY_CASE; libs/decider/src/duties.ts) */
  identityCase: IdentityCase;
  /** the web origins whose pages may call the API from a browser (CORS); empty: none */
  corsOrigins: string[];
  /** the identity provider the embedded default's console signs people in with (`console-config.json`'s `oidc`) */
  consoleOidc?: ConsoleOidc;
}

/**
 * OpenID Connect for the web console: the provider (`issuer`, found by its discovery document), the console's public
 * client there, the scopes it asks for (default `openid`), the audience (sent as RFC 8707's `resource`) its access
 * tokens are issued for, and the provider's name on the sign-in button.
 */
export interface ConsoleOidc {
  issuer: string;
  clientId: string;
  scope?: string;
  audience?: string;
  name?: string;
}

export class ConfigurationError extends Error {}

/**
 * A whole-number setting from the environment (unset or empty: `fallback`), at least `min`: the one reader of numeric
 * settings for the platform and the services' own policies.
 */
export const wholeNumberSetting = (env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError(`${name} must be ${min === 0 ? 'a non-negative integer' : `a whole number of at least ${min}`}, got "${raw}"`);
  }
  return value;
};

/** `host[:port]`, `*.domain[:port]` or `[ipv6][:port]`: a URL's host as an allow-list names it. */
const ALLOWED_HOST = /^(?:(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * GANTRY_WEBHOOK_ALLOWED_HOSTS: the `host[:port]` of every URL Gantry may POST to on its own initiative (execution's
 * webhook executors, records' notice channels and webhook subscriptions), comma-separated; `*.example.com` for any
 * name under a domain (records); empty: none. An entry that is not a host (a URL, a path) stops the process at boot
 * rather than never matching.
 */
export const webhookAllowedHosts = (env: NodeJS.ProcessEnv): string[] => {
  const entries = (env.GANTRY_WEBHOOK_ALLOWED_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  // a pattern over a whole top-level domain (`*.com`) allows the internet
  const wrong = entries.find((entry) => !ALLOWED_HOST.test(entry) || /^\*\.[^.]+$/.test(entry.replace(/:\d+$/, '')));
  if (wrong) throw new ConfigurationError(`GANTRY_WEBHOOK_ALLOWED_HOSTS holds host[:port] or *.domain[:port] entries, got "${wrong.slice(0, 200)}"`);
  return entries;
};

/**
 * GANTRY_CORS_ORIGINS: the web origins whose pages may call the API from a browser (a console served from another
 * origin), comma-separated, each exactly as a browser sends it in `Origin`: a scheme, a host and the port unless it is
 * the scheme's, nothing after (`https://console.example`). Unset or empty: none. `*` is refused: every request carries
 * a credential (a bearer token, an API key), and any page on the web would be let send the ones it got hold of.
 */
export const corsOrigins = (env: NodeJS.ProcessEnv): string[] => {
  const entries = (env.GANTRY_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (entry.includes('*')) {
      throw new ConfigurationError(`GANTRY_CORS_ORIGINS may not hold "${entry.slice(0, 200)}": requests carry credentials (a bearer token, an API key), so name each origin whose pages may send them, e.g. https://console.example`);
    }
    const origin = originOf(entry);
    if (origin !== entry) {
      const hint = origin ? ` (did you mean ${origin}?)` : '';
      throw new ConfigurationError(`GANTRY_CORS_ORIGINS holds origins such as https://console.example (a scheme, a host and a port, nothing after), got "${entry.slice(0, 200)}"${hint}`);
    }
  }
  return entries;
};

/** An http(s) URL's origin as browsers send it (lower-case host, no default port), or undefined. */
const originOf = (text: string): string | undefined => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
};

/** A prefix of Kafka names (consumer groups, topics): the characters Kafka allows in both. */
const namePrefix = (variable: string, raw: string): string => {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(raw)) throw new ConfigurationError(`${variable} may hold letters, digits, ".", "_" and "-" (at most 100), got "${raw}"`);
  return raw;
};

const consumerGroupPrefix = (raw: string | undefined): string => (raw === undefined || raw === '' ? '' : namePrefix('GANTRY_CONSUMER_GROUP_PREFIX', raw));

export interface KafkaSecurity {
  ssl?: true | { ca: string[] };
  sasl?: { [M in (typeof SASL_MECHANISMS)[number]]: { mechanism: M; username: string; password: string } }[(typeof SASL_MECHANISMS)[number]];
}

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** KAFKA_SSL=true (system CAs) or KAFKA_SSL_CA_FILE (a PEM file); KAFKA_SASL_MECHANISM with KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD. */
function kafkaSecurity(env: NodeJS.ProcessEnv): KafkaSecurity | undefined {
  const security: KafkaSecurity = {};
  if (env.KAFKA_SSL_CA_FILE) {
    try {
      security.ssl = { ca: [readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8')] };
    } catch (error) {
      throw new ConfigurationError(`KAFKA_SSL_CA_FILE cannot be read: ${(error as Error).message}`);
    }
  } else if (env.KAFKA_SSL === 'true') security.ssl = true;
  else if (env.KAFKA_SSL && env.KAFKA_SSL !== 'false') throw new ConfigurationError(`KAFKA_SSL must be true or false, got "${env.KAFKA_SSL}"`);
  if (env.KAFKA_SASL_MECHANISM) {
    const mechanism = env.KAFKA_SASL_MECHANISM.toLowerCase() as (typeof SASL_MECHANISMS)[number];
    if (!SASL_MECHANISMS.includes(mechanism)) throw new ConfigurationError(`KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}`);
    if (!env.KAFKA_SASL_USERNAME || !env.KAFKA_SASL_PASSWORD) throw new ConfigurationError('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    security.sasl = { mechanism, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD } as KafkaSecurity['sasl'];
  }
  return security.ssl || security.sasl ? security : undefined;
}

/** The one configuration loader. Every variable is documented in the README's configuration table. */
export function loadConfig(processName: ProcessName, env: NodeJS.ProcessEnv = process.env): GantryConfig {
  if (env.GANTRY_MIGRATION_DATABASE_URL && !env.DATABASE_URL) {
    throw new ConfigurationError('GANTRY_MIGRATION_DATABASE_URL (the owner role, for migrations) needs DATABASE_URL (the runtime role the services connect as)');
  }
  const brokers = (env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  return {
    process: processName,
    env,
    host: env.HOST ?? '127.0.0.1',
    port: wholeNumberSetting(env, 'PORT', DEFAULT_PORTS[processName]),
    grpcPort: wholeNumberSetting(env, 'GRPC_PORT', 50051),
    databaseUrl: env.DATABASE_URL || undefined,
    ...(env.GANTRY_MIGRATION_DATABASE_URL ? { migrationDatabaseUrl: env.GANTRY_MIGRATION_DATABASE_URL } : {}),
    kafkaBrokers: brokers.length > 0 ? brokers : undefined,
    dataDir: resolve(env.GANTRY_DATA_DIR ?? '.data'),
    bodyLimitBytes: wholeNumberSetting(env, 'GANTRY_BODY_LIMIT_BYTES', 1024 * 1024),
    bodyMaxDepth: wholeNumberSetting(env, 'GANTRY_BODY_MAX_DEPTH', 64),
    shutdownTimeoutMs: wholeNumberSetting(env, 'GANTRY_SHUTDOWN_TIMEOUT_MS', 15_000),
    rateLimitPerMinute: wholeNumberSetting(env, 'GANTRY_RATE_LIMIT_PER_MINUTE', 6_000),
    rateLimitBurst: wholeNumberSetting(env, 'GANTRY_RATE_LIMIT_BURST', 1_000),
    failedAuthentications: { perMinute: wholeNumberSetting(env, 'GANTRY_AUTH_FAILURES_PER_MINUTE', 120), burst: wholeNumberSetting(env, 'GANTRY_AUTH_FAILURES_BURST', 60) },
    grpcCalls: { perMinute: wholeNumberSetting(env, 'GANTRY_GRPC_CALLS_PER_MINUTE', 6_000), burst: wholeNumberSetting(env, 'GANTRY_GRPC_CALLS_BURST', 1_000) },
    ...trustedProxies(env),
    ...kafkaConsumerTimes(env),
    kafkaTopics: { partitions: wholeNumberSetting(env, 'KAFKA_TOPIC_PARTITIONS', 3) || 3, replicationFactor: wholeNumberSetting(env, 'KAFKA_TOPIC_REPLICATION_FACTOR', 1) || 1 },
    kafkaSecurity: kafkaSecurity(env),
    ...(env.GANTRY_TOPIC_PREFIX ? { topicPrefix: namePrefix('GANTRY_TOPIC_PREFIX', env.GANTRY_TOPIC_PREFIX) } : {}),
    consumerGroupPrefix: consumerGroupPrefix(env.GANTRY_CONSUMER_GROUP_PREFIX),
    identityCase: identityCase(env.GANTRY_IDENTITY_CASE),
    corsOrigins: corsOrigins(env),
    ...(consoleOidc(env) ?? {}),
  };
}

/** GANTRY_TRUST_PROXY (proxyTrust in @gantry/auth), refused at start when it is not one of the forms it takes */
function trustedProxies(env: NodeJS.ProcessEnv): { trustProxy?: ProxyTrust } {
  try {
    const trustProxy = proxyTrust(env.GANTRY_TRUST_PROXY);
    return trustProxy ? { trustProxy } : {};
  } catch (error) {
    throw new ConfigurationError((error as Error).message);
  }
}

/**
 * A consumer heartbeats between fetches: a fetch the broker holds for half the session timeout or more would let the
 * group drop a member that is alive. Its heartbeats are at most a third of the session timeout apart.
 */
function kafkaConsumerTimes(env: NodeJS.ProcessEnv): { kafkaSessionTimeoutMs: number; kafkaFetchMaxWaitMs: number; kafkaHeartbeatIntervalMs: number } {
  const kafkaSessionTimeoutMs = wholeNumberSetting(env, 'KAFKA_SESSION_TIMEOUT_MS', 6000);
  const kafkaFetchMaxWaitMs = wholeNumberSetting(env, 'KAFKA_FETCH_MAX_WAIT_MS', 1500);
  if (kafkaFetchMaxWaitMs * 2 > kafkaSessionTimeoutMs) {
    throw new ConfigurationError(`KAFKA_FETCH_MAX_WAIT_MS (${kafkaFetchMaxWaitMs}) must be at most half of KAFKA_SESSION_TIMEOUT_MS (${kafkaSessionTimeoutMs}): consumers heartbeat between fetches`);
  }
  const kafkaHeartbeatIntervalMs = wholeNumberSetting(env, 'KAFKA_HEARTBEAT_INTERVAL_MS', 2000, 1);
  if (kafkaHeartbeatIntervalMs * 3 > kafkaSessionTimeoutMs) {
    throw new ConfigurationError(`KAFKA_HEARTBEAT_INTERVAL_MS (${kafkaHeartbeatIntervalMs}) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (${kafkaSessionTimeoutMs})`);
  }
  return { kafkaSessionTimeoutMs, kafkaFetchMaxWaitMs, kafkaHeartbeatIntervalMs };
}

/** GANTRY_CONSOLE_OIDC_*: both ISSUER and CLIENT_ID, or none of them; the issuer https (plain http only on loopback). */
function consoleOidc(env: NodeJS.ProcessEnv): { consoleOidc: ConsoleOidc } | undefined {
  const { GANTRY_CONSOLE_OIDC_ISSUER: issuer, GANTRY_CONSOLE_OIDC_CLIENT_ID: clientId } = env;
  const optional = { scope: env.GANTRY_CONSOLE_OIDC_SCOPE, audience: env.GANTRY_CONSOLE_OIDC_AUDIENCE, name: env.GANTRY_CONSOLE_OIDC_NAME };
  if (!issuer && !clientId) {
    if (Object.values(optional).some(Boolean)) throw new ConfigurationError('GANTRY_CONSOLE_OIDC_SCOPE, _AUDIENCE and _NAME need GANTRY_CONSOLE_OIDC_ISSUER and GANTRY_CONSOLE_OIDC_CLIENT_ID');
    return undefined;
  }
  if (!issuer || !clientId) throw new ConfigurationError('GANTRY_CONSOLE_OIDC_ISSUER and GANTRY_CONSOLE_OIDC_CLIENT_ID go together: set both, or neither');
  const url = URL.parse(issuer);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)))) {
    throw new ConfigurationError(`GANTRY_CONSOLE_OIDC_ISSUER must be an https URL (plain http only on the loopback interface), got "${issuer.slice(0, 200)}"`);
  }
  return { consoleOidc: { issuer, clientId, ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value)) } };
}

const identityCase = (raw: string | undefined): IdentityCase => {
  if (raw === undefined || raw === '') return DEFAULT_IDENTITY_CASE;
  if (!(IDENTITY_CASES as readonly string[]).includes(raw)) throw new ConfigurationError(`GANTRY_IDENTITY_CASE must be one of ${IDENTITY_CASES.join(', ')}, got "${raw}"`);
  return raw as IdentityCase;
};

/** Postgres schema of a service: one per service, `model-review` → `model_review`. */
export const schemaOf = (service: ServiceName): string => service.replace(/-/g, '_');
