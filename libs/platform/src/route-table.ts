import { RequestMethod, type INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { ServiceName } from './config';
import { PUBLIC_ROUTE, REQUIRED_PERMISSION, SIGNED_ROUTE, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '@gantry/auth';

/** Nest's own metadata keys (@nestjs/common and @nestjs/microservices constants). */
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const PATTERN_METADATA = 'microservices:pattern';
/** On a service's module class: the service whose doors it holds (serviceModule sets it). */
export const SERVICE_OF_MODULE = 'gantry:service';

/**
 * One door of a process: an HTTP route or a gRPC method, with what it requires. `permission` undefined means the
 * handler declares neither a permission nor @Public(): the guard refuses it to everyone, and a test fails on it.
 */
export interface Door {
  transport: 'http' | 'grpc';
  /** `POST /deployments/:id/cancel` or `gantry.v1.DeploymentService/CancelDeployment` */
  name: string;
  /** HTTP method, or `RPC` */
  method: string;
  /** HTTP path with its parameters (`:id`), or the gRPC service and method */
  path: string;
  /** `signed`: no identity, an HMAC signature checked by the handler */
  permission: Permission | 'public' | 'signed' | undefined;
  handler: string;
  /** the service that serves it in the distributed mode; undefined: every process (health, metrics) */
  service?: ServiceName;
}

const joinPath = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;

/** Every HTTP route and gRPC method of a running application, read from the decorators that define them. */
export function doorsOf(app: INestApplicationContext, grpcPackage = 'gantry.v1'): Door[] {
  const doors: Door[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    const service = module.metatype ? (Reflect.getMetadata(SERVICE_OF_MODULE, module.metatype) as ServiceName | undefined) : undefined;
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller?.prototype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const key of Object.getOwnPropertyNames(controller.prototype)) {
        if (key === 'constructor') continue;
        const handler = Object.getOwnPropertyDescriptor(controller.prototype, key)?.value as unknown;
        if (typeof handler !== 'function') continue;
        const requires = Reflect.getMetadata(SIGNED_ROUTE, handler)
          ? ('signed' as const)
          : (Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller))
          ? ('public' as const)
          : ((Reflect.getMetadata(REQUIRED_PERMISSION, handler) ?? Reflect.getMetadata(REQUIRED_PERMISSION, controller)) as Permission | undefined);
        const name = `${controller.name}.${key}`;
        const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as { service?: string; rpc?: string }[] | undefined;
        for (const pattern of patterns ?? []) {
          if (!pattern.service || !pattern.rpc) continue;
          const path = `${grpcPackage}.${pattern.service}/${pattern.rpc}`;
          doors.push({ transport: 'grpc', name: path, method: 'RPC', path, permission: requires, handler: name, ...(service ? { service } : {}) });
        }
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const route = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        if (method === undefined || route === undefined) continue;
        for (const sub of Array.isArray(route) ? route : [route]) {
          const path = joinPath(base, sub);
          const verb = RequestMethod[method];
          doors.push({ transport: 'http', name: `${verb} ${path}`, method: verb, path, permission: requires, handler: name, ...(service ? { service } : {}) });
        }
      }
    }
  }
  return doors.sort((a, b) => a.transport.localeCompare(b.transport) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The roles whose permissions include this one. */
export const rolesGranting = (permission: Permission): Role[] => ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));

/** Permissions a rule weighs behind a door, on what a request asks rather than on the door it comes through. */
export const PERMISSIONS_WEIGHED_BY_RULES: readonly { permission: Permission; when: string }[] = [
  {
    permission: 'deployments:request-ad-hoc',
    when: 'a deployment request with `adHoc: true` (POST /deployments, gRPC RequestDeployment; the `itsm.changes.v1` door asks as change-manager): without it the request is rejected `AdHocNotPermitted` and the rejection recorded',
  },
];

/** The table of every door and who may pass it, as markdown (docs/permissions.md is this, generated). */
export function permissionTable(doors: readonly Door[]): string {
  const cell = (door: Door) =>
    door.permission === 'public'
      ? 'public (no identity)'
      : door.permission === 'signed'
        ? 'HMAC signature (no identity)'
        : door.permission
          ? `\`${door.permission}\``
          : '**none declared: refused to everyone**';
  const who = (door: Door) =>
    door.permission === 'public' ? 'anyone' : door.permission === 'signed' ? 'a configured webhook executor' : door.permission ? rolesGranting(door.permission).join(', ') : '—';
  return [
    '# Who may call what',
    '',
    'Generated from the code by `npm run docs:permissions` (a test fails when this file is out of date or a door',
    'declares no permission). The roles and their permissions: `libs/auth/src/roles.ts` and `libs/auth/README.md`.',
    '',
    '| transport | door | permission | roles |',
    '| --- | --- | --- | --- |',
    ...doors.map((door) => `| ${door.transport} | \`${door.name}\` | ${cell(door)} | ${who(door)} |`),
    '',
    '## Permissions weighed by rules',
    '',
    '| permission | when | roles |',
    '| --- | --- | --- |',
    ...PERMISSIONS_WEIGHED_BY_RULES.map(({ permission, when }) => `| \`${permission}\` | ${when} | ${rolesGranting(permission).join(', ')} |`),
    '',
  ].join('\n');
}
