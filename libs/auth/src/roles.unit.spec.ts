import { mayDo, PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Permission, type Role } from './roles';

/** The README's table, row by row: a change to either must change both. */
const TABLE: Record<Role, Record<Permission, boolean>> = {
  //                        request ad-hoc depl.  verif. runs   audit  models kpis   env:r  env:m  mod:w  find:w satis. rebuild r:appr r:ctrl r:manual access comp:r comp:m keys:r keys:m report authorise ak:r ak:m svc:r svc:m sup:r sup:m pull  subs
  'deployment-manager': row(true, true, true, true, true, true, true, true, true, true, true, false, true, false, true, true, true, false, true, true, true, true, true, true, true, false, true, false, true, false, false, true),
  'deployment-practitioner': row(true, false, true, true, true, false, true, false, true, false, false, false, true, false, false, true, true, false, true, true, true, false, true, false, false, false, true, false, false, false, false, false),
  'service-owner': row(false, false, true, true, true, false, false, true, true, false, false, false, true, false, true, false, false, false, true, false, false, false, false, false, false, false, true, true, false, false, false, false),
  'product-owner': row(false, false, true, false, false, false, false, true, true, false, false, false, true, false, true, false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, false, false),
  'change-manager': row(true, true, true, false, false, false, false, false, true, false, false, false, true, false, true, false, false, false, false, false, false, false, false, true, true, false, true, false, false, false, false, true),
  auditor: row(false, false, true, true, true, true, true, true, true, false, false, true, false, false, false, false, false, false, true, false, true, false, false, false, true, false, true, false, true, false, false, false),
  admin: row(true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true),
  'supplier-engineer': row(false, false, false, false, true, false, false, false, false, false, false, false, false, false, false, false, true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false),
  agent: row(false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false, true, false),
};

function row(...granted: boolean[]): Record<Permission, boolean> {
  return Object.fromEntries(PERMISSIONS.map((p, i) => [p, granted[i]])) as Record<Permission, boolean>;
}

describe('role → permission table', () => {
  it.each(ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission] as const)))(
    '%s / %s',
    (role, permission) => {
      expect(mayDo([role], permission)).toBe(TABLE[role][permission]);
    },
  );

  it('lets an agent pull its steps and nothing else', () => {
    expect(ROLE_PERMISSIONS.agent).toEqual(['agents:pull']);
  });

  it('lets the auditor read everything and write nothing but audit findings', () => {
    expect(ROLE_PERMISSIONS.auditor.filter((p) => !p.endsWith(':read'))).toEqual(['findings:write']);
    expect(PERMISSIONS.filter((p) => p.endsWith(':read')).every((p) => mayDo(['auditor'], p))).toBe(true);
  });

  it('grants nothing without a role', () => {
    for (const permission of PERMISSIONS) expect(mayDo([], permission)).toBe(false);
  });
});
