import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError, corsOrigins, loadConfig, webhookAllowedHosts } from './config';

describe('loadConfig', () => {
  it('reads TLS and SASL settings for Kafka, and refuses incomplete or unknown ones', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'gantry-config-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(loadConfig('planning', {}).kafkaSecurity).toBeUndefined();
    expect(loadConfig('planning', { KAFKA_SSL: 'true' }).kafkaSecurity).toEqual({ ssl: true });
    expect(loadConfig('planning', { KAFKA_SSL_CA_FILE: ca }).kafkaSecurity).toEqual({ ssl: { ca: [expect.stringContaining('BEGIN CERTIFICATE')] } });
    expect(loadConfig('planning', { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'gantry', KAFKA_SASL_PASSWORD: 's3cret' }).kafkaSecurity).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'gantry', password: 's3cret' },
    });
    expect(() => loadConfig('planning', { KAFKA_SSL: 'yes' })).toThrow(/KAFKA_SSL/);
    expect(() => loadConfig('planning', { KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/cannot be read/);
    expect(() => loadConfig('planning', { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'b' })).toThrow(/one of/);
    expect(() => loadConfig('planning', { KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/USERNAME/);
  });

  it("reads the owner role's connection for migrations, and refuses it without the runtime role's", () => {
    const owner = 'postgres://gantry_owner:x@db/gantry';
    expect(loadConfig('planning', { DATABASE_URL: 'postgres://gantry_runtime:y@db/gantry', GANTRY_MIGRATION_DATABASE_URL: owner }).migrationDatabaseUrl).toBe(owner);
    expect(loadConfig('planning', { DATABASE_URL: 'postgres://gantry:z@db/gantry' }).migrationDatabaseUrl).toBeUndefined();
    expect(() => loadConfig('planning', { GANTRY_MIGRATION_DATABASE_URL: owner })).toThrow(/needs DATABASE_URL/);
  });

  it('refuses limits that are not non-negative integers', () => {
    expect(loadConfig('planning', { GANTRY_RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
    expect(() => loadConfig('planning', { GANTRY_RATE_LIMIT_PER_MINUTE: 'lots' })).toThrow(/non-negative integer/);
    expect(loadConfig('planning', {}).failedAuthentications).toEqual({ perMinute: 120, burst: 60 });
    expect(loadConfig('planning', { GANTRY_AUTH_FAILURES_PER_MINUTE: '0', GANTRY_AUTH_FAILURES_BURST: '5' }).failedAuthentications).toEqual({ perMinute: 0, burst: 5 });
    expect(() => loadConfig('planning', { GANTRY_AUTH_FAILURES_PER_MINUTE: 'lots' })).toThrow('GANTRY_AUTH_FAILURES_PER_MINUTE must be a non-negative integer, got "lots"');
    expect(() => loadConfig('planning', { GANTRY_SHUTDOWN_TIMEOUT_MS: '-5' })).toThrow(/non-negative integer/);
  });

  it("holds a consumer's fetch to at most half of its session timeout: it heartbeats between fetches", () => {
    expect(loadConfig('planning', {})).toMatchObject({ kafkaFetchMaxWaitMs: 1500, kafkaSessionTimeoutMs: 6000 });
    expect(loadConfig('planning', { KAFKA_FETCH_MAX_WAIT_MS: '3000' }).kafkaFetchMaxWaitMs).toBe(3000);
    expect(() => loadConfig('planning', { KAFKA_FETCH_MAX_WAIT_MS: '3001' })).toThrow('KAFKA_FETCH_MAX_WAIT_MS (3001) must be at most half of KAFKA_SESSION_TIMEOUT_MS (6000): consumers heartbeat between fetches');
    expect(loadConfig('planning', { KAFKA_FETCH_MAX_WAIT_MS: '5000', KAFKA_SESSION_TIMEOUT_MS: '10000' }).kafkaFetchMaxWaitMs).toBe(5000);
  });

  it("spaces a consumer's heartbeats at most a third of its session timeout apart", () => {
    expect(loadConfig('planning', {}).kafkaHeartbeatIntervalMs).toBe(2000);
    expect(loadConfig('planning', { KAFKA_HEARTBEAT_INTERVAL_MS: '2000' }).kafkaHeartbeatIntervalMs).toBe(2000);
    expect(() => loadConfig('planning', { KAFKA_HEARTBEAT_INTERVAL_MS: '2001' })).toThrow('KAFKA_HEARTBEAT_INTERVAL_MS (2001) must be at most a third of KAFKA_SESSION_TIMEOUT_MS (6000)');
    expect(() => loadConfig('planning', { KAFKA_HEARTBEAT_INTERVAL_MS: '0' })).toThrow('KAFKA_HEARTBEAT_INTERVAL_MS must be a whole number of at least 1, got "0"');
  });

  it('trusts the proxies GANTRY_TRUST_PROXY names, none by default, and refuses at start what it cannot take', () => {
    expect(loadConfig('planning', {}).trustProxy).toBeUndefined();
    expect(loadConfig('planning', { GANTRY_TRUST_PROXY: '10.0.0.0/8' }).trustProxy?.('10.1.2.3', 0)).toBe(true);
    expect(() => loadConfig('planning', { GANTRY_TRUST_PROXY: '*' })).toThrow(ConfigurationError);
    expect(() => loadConfig('planning', { GANTRY_TRUST_PROXY: 'lb.example' })).toThrow(/GANTRY_TRUST_PROXY holds .* "lb.example" is none of these/);
  });

  it('compares identities case-insensitively unless GANTRY_IDENTITY_CASE says sensitive, and refuses anything else', () => {
    expect(loadConfig('execution', {}).identityCase).toBe('insensitive');
    expect(loadConfig('execution', { GANTRY_IDENTITY_CASE: 'sensitive' }).identityCase).toBe('sensitive');
    expect(() => loadConfig('execution', { GANTRY_IDENTITY_CASE: 'lower' })).toThrow(/GANTRY_IDENTITY_CASE must be one of insensitive, sensitive/);
  });

  it("reads the console's identity provider: issuer and client together, the issuer https or on loopback", () => {
    expect(loadConfig('standalone', {}).consoleOidc).toBeUndefined();
    expect(loadConfig('standalone', { GANTRY_CONSOLE_OIDC_ISSUER: 'https://sso.example.com/realms/acme', GANTRY_CONSOLE_OIDC_CLIENT_ID: 'gantry-console' }).consoleOidc).toEqual({
      issuer: 'https://sso.example.com/realms/acme',
      clientId: 'gantry-console',
    });
    const everything = {
      GANTRY_CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:8080',
      GANTRY_CONSOLE_OIDC_CLIENT_ID: 'console',
      GANTRY_CONSOLE_OIDC_SCOPE: 'openid profile',
      GANTRY_CONSOLE_OIDC_AUDIENCE: 'https://gantry.example.com',
      GANTRY_CONSOLE_OIDC_NAME: 'Keycloak',
    };
    expect(loadConfig('standalone', everything).consoleOidc).toEqual({ issuer: 'http://127.0.0.1:8080', clientId: 'console', scope: 'openid profile', audience: 'https://gantry.example.com', name: 'Keycloak' });
    expect(() => loadConfig('standalone', { GANTRY_CONSOLE_OIDC_ISSUER: 'https://sso.example.com' })).toThrow('GANTRY_CONSOLE_OIDC_ISSUER and GANTRY_CONSOLE_OIDC_CLIENT_ID go together');
    expect(() => loadConfig('standalone', { GANTRY_CONSOLE_OIDC_NAME: 'Keycloak' })).toThrow(/need GANTRY_CONSOLE_OIDC_ISSUER/);
    for (const issuer of ['http://sso.example.com', 'sso.example.com', 'ftp://127.0.0.1']) {
      expect(() => loadConfig('standalone', { GANTRY_CONSOLE_OIDC_ISSUER: issuer, GANTRY_CONSOLE_OIDC_CLIENT_ID: 'console' })).toThrow(/must be an https URL/);
    }
  });
});

describe('webhookAllowedHosts', () => {
  it('takes host[:port], *.domain and [ipv6] entries, comma-separated', () =>
    expect(webhookAllowedHosts({ GANTRY_WEBHOOK_ALLOWED_HOSTS: ' itsm.example.com, *.hooks.example.net:8443 ,127.0.0.1:9000,[::1]:8080,localhost' })).toEqual([
      'itsm.example.com',
      '*.hooks.example.net:8443',
      '127.0.0.1:9000',
      '[::1]:8080',
      'localhost',
    ]));
  it('is empty by default', () => expect(webhookAllowedHosts({})).toEqual([]));
  it.each(['https://itsm.example.com', 'itsm.example.com/hooks', '*', '*.com', '*.com:443', '*.com.*', 'a b'])('refuses %s at boot', (entry) =>
    expect(() => webhookAllowedHosts({ GANTRY_WEBHOOK_ALLOWED_HOSTS: entry })).toThrow(ConfigurationError));
});

describe('GANTRY_CORS_ORIGINS', () => {
  it('is empty by default: no page of another origin may call the API', () => {
    expect(loadConfig('execution', {}).corsOrigins).toEqual([]);
    expect(corsOrigins({ GANTRY_CORS_ORIGINS: ' ' })).toEqual([]);
  });

  it('takes origins exactly as browsers send them, comma-separated', () =>
    expect(loadConfig('standalone', { GANTRY_CORS_ORIGINS: 'https://console.example, http://127.0.0.1:8080,https://[::1]:8443' }).corsOrigins).toEqual([
      'https://console.example',
      'http://127.0.0.1:8080',
      'https://[::1]:8443',
    ]));

  it('refuses "*" at start, saying why', () => {
    for (const wildcard of ['*', 'https://*.example.com']) {
      expect(() => corsOrigins({ GANTRY_CORS_ORIGINS: `https://console.example,${wildcard}` })).toThrow(
        `GANTRY_CORS_ORIGINS may not hold "${wildcard}": requests carry credentials (a bearer token, an API key), so name each origin whose pages may send them, e.g. https://console.example`,
      );
    }
  });

  it('refuses what is not an origin, naming the origin meant where there is one', () => {
    expect(() => corsOrigins({ GANTRY_CORS_ORIGINS: 'https://console.example/' })).toThrow('got "https://console.example/" (did you mean https://console.example?)');
    expect(() => corsOrigins({ GANTRY_CORS_ORIGINS: 'https://Console.Example:443' })).toThrow('(did you mean https://console.example?)');
    expect(() => corsOrigins({ GANTRY_CORS_ORIGINS: 'https://console.example/app' })).toThrow(ConfigurationError);
    for (const wrong of ['console.example', 'null', 'ftp://files.example', 'file:///tmp']) {
      expect(() => corsOrigins({ GANTRY_CORS_ORIGINS: wrong })).toThrow(`GANTRY_CORS_ORIGINS holds origins such as https://console.example (a scheme, a host and a port, nothing after), got "${wrong}"`);
    }
  });
});
