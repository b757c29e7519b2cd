import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceUrl } from './commands/session';
import { configDir, configFile, credentialsFrom, DEFAULT_URL, readConfig, removeConfig, writeConfig } from './config';

const home = () => ({ XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'gantry-config-')) });

describe('the config file', () => {
  it('lives under XDG_CONFIG_HOME/gantry, or ~/.config/gantry', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/gantry');
    expect(configDir({ HOME: '/home/ann' })).toMatch(/\.config\/gantry$/);
  });

  it('is the owner’s alone: the file 0600, its directory 0700, even when the directory was open before', () => {
    const env = home();
    mkdirSync(configDir(env), { mode: 0o755 });
    const file = writeConfig(env, { url: 'http://gantry.example.com', token: 't0k3n' });
    expect(file).toBe(configFile(env));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(configDir(env)).mode & 0o777).toBe(0o700);
    expect(readConfig(env)).toEqual({ url: 'http://gantry.example.com', token: 't0k3n', apiKey: undefined, services: undefined });
    // written again over a file another tool had made readable
    writeFileSync(file, '{}', { mode: 0o644 });
    writeConfig(env, { url: 'http://gantry.example.com', apiKey: 'k' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: 'http://gantry.example.com', apiKey: 'k' });
  });

  it('is removed on logout, once', () => {
    const env = home();
    writeConfig(env, { url: DEFAULT_URL, token: 't' });
    expect(removeConfig(env)).toBe(true);
    expect(removeConfig(env)).toBe(false);
    expect(readConfig(env)).toEqual({});
  });

  it('gives way to GANTRY_URL, GANTRY_TOKEN and GANTRY_API_KEY; a token from the environment replaces a kept key', () => {
    const env = home();
    expect(credentialsFrom(env)).toEqual({ url: DEFAULT_URL, token: undefined, apiKey: undefined, services: undefined });
    writeConfig(env, { url: 'http://kept.example.com/', apiKey: 'kept-key' });
    expect(credentialsFrom(env)).toEqual({ url: 'http://kept.example.com', token: undefined, apiKey: 'kept-key', services: undefined });
    expect(credentialsFrom({ ...env, GANTRY_URL: 'http://env.example.com', GANTRY_TOKEN: 'env-token' })).toEqual({ url: 'http://env.example.com', token: 'env-token', apiKey: undefined, services: undefined });
  });

  it("keeps the services' own URLs, which a GANTRY_URL replaces", () => {
    const env = home();
    const services = { planning: 'http://10.0.0.1:3001', records: 'http://10.0.0.4:3004' };
    writeConfig(env, { url: 'http://10.0.0.1:3001', services, token: 't' });
    expect(credentialsFrom(env)).toEqual({ url: 'http://10.0.0.1:3001', services, token: 't', apiKey: undefined });
    expect(credentialsFrom({ ...env, GANTRY_URL: 'http://gateway.example.com' }).services).toBeUndefined();
    expect(serviceUrl('records=http://10.0.0.4:3004/', { planning: services.planning })).toEqual(services);
    expect(() => serviceUrl('billing=http://10.0.0.9')).toThrow('planning, verification, execution, records, model-review');
    expect(() => serviceUrl('records')).toThrow('<service>=<url>');
  });

  it('names itself when it cannot be read', () => {
    const env = home();
    mkdirSync(configDir(env), { recursive: true });
    writeFileSync(configFile(env), 'not json');
    expect(() => readConfig(env)).toThrow(`cannot read ${configFile(env)}`);
  });
});
