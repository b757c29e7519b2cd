import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GantryService } from '@gantry/client';
import { CliFailure, EXIT } from './exit-codes';

/** Where a server is and how to prove who we are: a bearer token (JWT) or a system's API key. */
export interface Credentials {
  url: string;
  /** the distributed mode without a gateway: each service's URL (`url` for those not named) */
  services?: Partial<Record<GantryService, string>>;
  token?: string;
  apiKey?: string;
}

/** The embedded default's URL (`npm start`): where a command goes when nothing says otherwise. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** `$XDG_CONFIG_HOME/gantry`, or `~/.config/gantry`, as gh and others keep theirs. */
export const configDir = (env: NodeJS.ProcessEnv): string => join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gantry');
export const configFile = (env: NodeJS.ProcessEnv): string => join(configDir(env), 'config.json');

export function readConfig(env: NodeJS.ProcessEnv): Partial<Credentials> {
  const file = configFile(env);
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Credentials>;
    return { url: parsed.url, services: parsed.services, token: parsed.token, apiKey: parsed.apiKey };
  } catch (error) {
    throw new CliFailure(`cannot read ${file}: ${(error as Error).message}; \`gantry logout\` removes it`, EXIT.refused);
  }
}

/**
 * Keeps the credentials for the next commands. The token is a secret: the directory is the owner's alone (0700) and
 * the file too (0600), written whole under another name and then renamed, so no reader ever sees a part of it.
 */
export function writeConfig(env: NodeJS.ProcessEnv, credentials: Credentials): string {
  const dir = configDir(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = configFile(env);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return file;
}

/** Forgets the credentials; whether there were any. */
export function removeConfig(env: NodeJS.ProcessEnv): boolean {
  const file = configFile(env);
  const existed = existsSync(file);
  rmSync(file, { force: true });
  return existed;
}

/**
 * The credentials a command uses: GANTRY_URL, GANTRY_TOKEN and GANTRY_API_KEY over what `gantry login` kept. A token
 * or key from the environment replaces both kept ones, so the two never go together by accident.
 */
export function credentialsFrom(env: NodeJS.ProcessEnv): Credentials {
  const kept = readConfig(env);
  const fromEnv = Boolean(env.GANTRY_TOKEN || env.GANTRY_API_KEY);
  return {
    url: (env.GANTRY_URL || kept.url || DEFAULT_URL).replace(/\/+$/, ''),
    // a URL from the environment is the one server: the kept services' URLs would send some calls elsewhere
    services: env.GANTRY_URL ? undefined : kept.services,
    token: fromEnv ? env.GANTRY_TOKEN || undefined : kept.token,
    apiKey: fromEnv ? env.GANTRY_API_KEY || undefined : kept.apiKey,
  };
}
