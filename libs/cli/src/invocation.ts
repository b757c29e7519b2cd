import { readFileSync } from 'node:fs';
import { GantryClient, type GantryClientOptions } from '@gantry/client';
import { InvalidArgumentError, Option } from 'commander';
import { credentialsFrom, type Credentials } from './config';
import { CliFailure, EXIT } from './exit-codes';
import { FORMATS, plainStyle, render, styleFor, type Format, type View } from './output';

/** Where `gantry` writes: the process's streams, or a test's. */
export interface Terminal {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  env: NodeJS.ProcessEnv;
  stdout: Terminal;
  stderr: Terminal;
  stdin: NodeJS.ReadableStream;
}

/** One run of `gantry`: its streams and environment, the credentials it found, and its one client. */
export class Invocation {
  private kept?: Credentials;

  constructor(readonly io: Io) {}

  get credentials(): Credentials {
    return (this.kept ??= credentialsFrom(this.io.env));
  }

  /** The server's URL, for messages; without reading the config file when nothing has needed it yet. */
  get url(): string {
    try {
      return this.credentials.url;
    } catch {
      return this.io.env.GANTRY_URL ?? '(unknown)';
    }
  }

  /** @gantry/client for the credentials in use (or those given), the one way `gantry` calls a server. */
  client(credentials: Credentials = this.credentials, extra: Pick<GantryClientOptions, 'fetch'> = {}): GantryClient {
    return new GantryClient({ baseUrl: credentials.url, services: credentials.services, token: credentials.token, apiKey: credentials.apiKey, ...extra });
  }

  out(text: string): void {
    this.io.stdout.write(text);
  }

  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** The text of a file, or of standard input for `-`. */
  async text(file: string): Promise<string> {
    if (file !== '-') return readFileSync(file, 'utf8');
    let text = '';
    for await (const chunk of this.io.stdin) text += chunk.toString();
    return text;
  }

  /** A request body: JSON from a file, or from standard input for `-`; a usage error when it is not JSON. */
  async json<T = unknown>(file: string): Promise<T> {
    const text = await this.text(file);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CliFailure(`${file === '-' ? 'standard input' : file} is not JSON: ${(error as Error).message}`, EXIT.usage);
    }
  }

  show(view: View, format: Format): void {
    this.out(render(view, format, format === 'table' ? styleFor(this.io.stdout, this.io.env) : plainStyle));
  }
}

/** `-o table|json|yaml`, on every command that reads. */
export const outputOption = () => new Option('-o, --output <format>', 'how to print the answer').choices(FORMATS).default('table');

/** `-f, --file <path>`: what a command sends, as JSON. */
export const bodyOption = (what: string) => new Option('-f, --file <path>', `${what} as JSON ('-': standard input)`).makeOptionMandatory();

/** The examples at the end of a command's --help. */
export const examples = (...lines: string[]) => `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;

/** A whole number from the command line, or a usage error naming the option. */
export const wholeNumber = (name: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
};

/** A time on the command line: ISO 8601, a date alone meaning its midnight UTC (the API takes a full date-time). */
export const isoTime = (name: string) => (value: string) => {
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(time) || Number.isNaN(Date.parse(time))) {
    throw new InvalidArgumentError(`${name} must be an ISO 8601 time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z`);
  }
  return time;
};
