import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { isRole, mintToken, ROLES } from '@gantry/auth';
import { consoleContentSecurityPolicy, type GantryConfig } from '@gantry/platform';

/** Where the console's production build is: beside the compiled services (dist/console), or under dist/ from source. */
export const consoleBuildDirectory = (): string | undefined =>
  [join(__dirname, '..', '..', '..', '..', 'console'), join(__dirname, '..', '..', '..', '..', 'dist', 'console')].find((dir) => existsSync(join(dir, 'index.html')));

interface Request {
  body?: unknown;
  socket?: { remoteAddress?: string };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 */
export const fromLoopback = (request: Request) => /^(::ffff:)?127\.|^::1$/.test(request.socket?.remoteAddress ?? '');
interface Response {
  status(code: number): Response;
  type(type: string): Response;
  setHeader(name: string, value: string): unknown;
  send(body: string): unknown;
  json(body: unknown): unknown;
}

const SUBJECT = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/**
 * The web console at `/` (its assets under `/assets/`), and, only while the process accepts tokens signed with the
 * embedded default's development secret, a development sign-in: `POST /console/development-sign-in {role, subject}`
 * mints what `npm run token` would, for callers on this machine only (a HOST opened to the network does not open it).
 * It is no door of the API (no permission, not in the OpenAPI document): with GANTRY_JWT_SECRET set, or on a real
 * database, it does not exist. With GANTRY_CONSOLE_OIDC_* set, `/console-config.json` names the identity provider the
 * console signs people in with, and the console's page may fetch from the provider's origin.
 */
export function serveConsole(app: NestExpressApplication, { config, developmentSecret }: { config: GantryConfig; developmentSecret?: string }): void {
  const http = app.getHttpAdapter();
  const dir = consoleBuildDirectory();
  const index = dir ? readFileSync(join(dir, 'index.html'), 'utf8') : undefined;
  const { consoleOidc } = config;
  if (dir) app.useStaticAssets(join(dir, 'assets'), { prefix: '/assets/', index: false, fallthrough: false });
  http.get('/', (_request: Request, response: Response) => {
    if (!index) return response.status(404).type('text').send('the console is not built: npm run build');
    if (consoleOidc) response.setHeader('content-security-policy', consoleContentSecurityPolicy([new URL(consoleOidc.issuer).origin]));
    return response.type('html').send(index);
  });
  if (consoleOidc) http.get('/console-config.json', (_request: Request, response: Response) => response.json({ oidc: consoleOidc }));
  if (!developmentSecret) return;
  http.get('/console/development-sign-in', (_request: Request, response: Response) => response.json({ roles: ROLES }));
  http.post('/console/development-sign-in', async (request: Request, response: Response) => {
    if (!fromLoopback(request)) return response.status(403).json({ statusCode: 403, message: 'the development sign-in answers callers on this machine only' });
    const { role, subject } = (request.body ?? {}) as { role?: unknown; subject?: unknown };
    if (!isRole(role) || typeof subject !== 'string' || !SUBJECT.test(subject)) {
      return response.status(400).json({ statusCode: 400, message: `give a role (${ROLES.join(', ')}) and a subject (letters, digits, . _ @ -)` });
    }
    return response.json({ token: await mintToken(developmentSecret, { sub: subject, roles: [role], expiresIn: '8h' }) });
  });
}
