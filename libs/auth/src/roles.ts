/** Roles follow the practice (quality.md, Security). */
export const ROLES = [
  'deployment-manager',
  'deployment-practitioner',
  'service-owner',
  'product-owner',
  /** systems of change enablement */
  'change-manager',
  /** compliance staff: read-only, audit and KPIs */
  'auditor',
  'admin',
  /** a supplier's or partner's staff: performs manual steps within their organisation's scope (the `org` claim) */
  'supplier-engineer',
  /** a pull agent inside a target environment: fetches its steps and reports them, nothing else (its token names its scope) */
  'agent',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'deployments:request',
  /** ask for a deployment without an agreed model (ad hoc); the promotion rule holds all the same */
  'deployments:request-ad-hoc',
  'deployments:read',
  'verifications:read',
  'runs:read',
  'audit:read',
  'models:read',
  'kpis:read',
  'environments:read',
  'environments:manage',
  'models:write',
  'findings:write',
  'satisfaction:respond',
  'projections:rebuild',
  /** approve or deny a run's gates (the gate's own roles and separation of duties are checked on top) */
  'runs:approve',
  /** pause, resume, abort a run; decide whether it rolls back */
  'runs:control',
  /** complete manual steps (the step's role is checked on top) */
  'runs:perform-manual-steps',
  /** issue and revoke systems' API keys */
  'access:manage',
  'components:read',
  'components:manage',
  'signing-keys:read',
  'signing-keys:manage',
  'verifications:report',
  /** a request's word that its change is authorised is proof of it (where the environment's kind accepts that way) */
  'changes:authorise',
  'authorisation-keys:read',
  /** trust or revoke change enablement's keys for signed authorisations */
  'authorisation-keys:manage',
  /** read the service catalogue: owners, stakeholders, dependencies, notice channels */
  'services:read',
  /** register and change services in the catalogue */
  'services:manage',
  /** read the supplier organisations and their scopes */
  'suppliers:read',
  /** register suppliers and change their contact and scope */
  'suppliers:manage',
  /** claim, renew and report the steps of a pull executor's environment (the token's environment and targets are checked on top) */
  'agents:pull',
  /** subscribe the caller's own URLs to the ledger's events (outbound webhooks), see and delete the caller's own subscriptions */
  'subscriptions:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * The one role → permission table. Enforced by AuthGuard, documented in libs/auth/README.md, tested row by row.
 * Audit queries (`audit:read`) belong to compliance staff and to the deployment manager who answers for the practice;
 * KPIs to those who steer it. Planning without an agreed model (`deployments:request-ad-hoc`) is for deployment
 * managers and change enablement, not practitioners. Compliance staff record audit findings (`findings:write`) and
 * change nothing else;
 * stakeholders and partners answer satisfaction surveys (`satisfaction:respond`); only admins rebuild projections and
 * issue or revoke systems' API keys (`access:manage`). A request's word that its change is authorised proves it
 * (`changes:authorise`) for deployment managers and change enablement, where the environment's kind accepts that way
 * (not production, by default); trusting change enablement's keys for signed authorisations (`authorisation-keys:manage`)
 * is an admin's, so no one who requests deployments can make their own authorisations trusted. Everyone reads the
 * service catalogue; its owners (and admins) keep it. Suppliers' engineers read runs and perform manual steps, within
 * their organisation's scope (checked by execution); only admins register suppliers and set their scope. Systems of
 * change enablement and deployment managers subscribe their own URLs to deployments' outcomes (`subscriptions:manage`);
 * admins see and delete everyone's.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  'deployment-manager': [
    'deployments:request',
    'deployments:request-ad-hoc',
    'deployments:read',
    'verifications:read',
    'runs:read',
    'audit:read',
    'models:read',
    'kpis:read',
    'environments:read',
    'environments:manage',
    'models:write',
    'satisfaction:respond',
    'runs:approve',
    'runs:control',
    'runs:perform-manual-steps',
    'components:read',
    'components:manage',
    'signing-keys:read',
    'signing-keys:manage',
    'verifications:report',
    'changes:authorise',
    'authorisation-keys:read',
    'services:read',
    'suppliers:read',
    'subscriptions:manage',
  ],
  'deployment-practitioner': [
    'deployments:request',
    'deployments:read',
    'verifications:read',
    'runs:read',
    'models:read',
    'environments:read',
    'satisfaction:respond',
    'runs:control',
    'runs:perform-manual-steps',
    'components:read',
    'components:manage',
    'signing-keys:read',
    'verifications:report',
    'services:read',
  ],
  'service-owner': ['deployments:read', 'verifications:read', 'runs:read', 'kpis:read', 'environments:read', 'satisfaction:respond', 'runs:approve', 'components:read', 'services:read', 'services:manage'],
  'product-owner': ['deployments:read', 'kpis:read', 'environments:read', 'satisfaction:respond', 'runs:approve', 'services:read'],
  'change-manager': ['deployments:request', 'deployments:request-ad-hoc', 'deployments:read', 'environments:read', 'satisfaction:respond', 'runs:approve', 'changes:authorise', 'authorisation-keys:read', 'services:read', 'subscriptions:manage'],
  auditor: ['deployments:read', 'verifications:read', 'runs:read', 'audit:read', 'models:read', 'kpis:read', 'environments:read', 'findings:write', 'components:read', 'signing-keys:read', 'authorisation-keys:read', 'services:read', 'suppliers:read'],
  admin: PERMISSIONS,
  'supplier-engineer': ['runs:read', 'runs:perform-manual-steps'],
  agent: ['agents:pull'],
};

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);

/** Unknown roles are dropped: a token or key may carry roles of other systems. */
export const knownRoles = (values: readonly unknown[]): Role[] => [...new Set(values.filter(isRole))];

export const mayDo = (roles: readonly Role[], permission: Permission): boolean =>
  roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
