import { arrayOf, enumOf, label, objectOf, stringOf, text, Type, type Static } from './json-schema';
import { deliveredUnitsSchema, evidenceSchema, supplierDefinitionSchema, supplierScopeSchema } from './execution';
import { componentVersionProperties, LIMITS, targetSchema } from './vocabulary';
import { serviceContactSchema } from './planning';

/** Bodies of execution's HTTP and gRPC doors, each validated by its schema (SchemaBody, validatedMessage). */

/** What an approver may say with their approval (`ApprovalGranted.comment`); the body may be left out. */
export const approveGateBody = objectOf({ comment: Type.Optional(Type.String({ maxLength: 2000, pattern: '\\S', description: 'some text (at most 2000 characters)' })) });
export type ApproveGateBody = Static<typeof approveGateBody>;

/** Why a gate is denied: the denier's own words, required (`ApprovalDenied.reason`). */
export const denyGateBody = objectOf({ reason: Type.String({ maxLength: 2000, pattern: '\\S', description: 'some text (at most 2000 characters)' }) });
export type DenyGateBody = Static<typeof denyGateBody>;

export const rollbackDecisionBody = objectOf({
  /** true: roll back; false: end the run failed (after an inconclusive canary: continue) */
  rollback: Type.Boolean(),
});
export type RollbackDecisionBody = Static<typeof rollbackDecisionBody>;

export const completeManualStepBody = objectOf({ evidence: arrayOf(evidenceSchema, 20) });
export type CompleteManualStepBody = Static<typeof completeManualStepBody>;

/** An inspector's answer to one item of a site's checklist, with the documents that show it (each with its `sha256:` digest). */
export const answerSiteCheckBody = objectOf({ result: enumOf(['passed', 'failed'] as const), evidence: arrayOf(evidenceSchema, 20, 1) });
export type AnswerSiteCheckBody = Static<typeof answerSiteCheckBody>;

/** The units a delivery brought, counted on receipt. */
export const receiveDeliveryBody = objectOf({ received: arrayOf(deliveredUnitsSchema, LIMITS.components, 1) });
export type ReceiveDeliveryBody = Static<typeof receiveDeliveryBody>;

/** The serials installed at a target (each delivered for the deployment). */
export const installUnitsBody = objectOf({ target: targetSchema, serials: arrayOf(label(128), 10000, 1, { uniqueItems: true }) });
export type InstallUnitsBody = Static<typeof installUnitsBody>;

/** A deployment manager accepts a delivery discrepancy (a unit missing or unexpected), saying why. */
export const resolveDiscrepancyBody = objectOf({ component: componentVersionProperties.name, serial: label(128), reason: Type.String({ maxLength: 2000, pattern: '\\S' }) });
export type ResolveDiscrepancyBody = Static<typeof resolveDiscrepancyBody>;

export const registerSupplierBody = supplierDefinitionSchema;
/** The name is the path's. */
export const updateSupplierBody = objectOf({ contact: serviceContactSchema, scope: supplierScopeSchema });
export type UpdateSupplierBody = Static<typeof updateSupplierBody>;

/** A pull agent asks for the next step of its environment, waiting at most `waitSeconds` (default 20) for one. */
export const claimAgentStepBody = objectOf({
  environment: label(200),
  /** only these of the agent's targets (default: every target its token names) */
  targets: Type.Optional(arrayOf(label(256), 1000, 1)),
  waitSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
});
export type ClaimAgentStepBody = Static<typeof claimAgentStepBody>;

/**
 * A pull agent's result for the step it leased. `installed` (a deploy): each component version and the digest of the
 * bytes installed, checked against what was sent (`DigestMismatch`); a digest in another form is kept and does not match.
 */
export const reportAgentStepBody = objectOf({
  status: enumOf(['succeeded', 'failed'] as const),
  installed: Type.Optional(arrayOf(objectOf({ name: text(256), version: text(128), digest: text(100) }), 500)),
  reason: Type.Optional(stringOf({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' })),
  detail: Type.Optional(text(2000)),
  snapshotRef: Type.Optional(text(512)),
});
export type ReportAgentStepBody = Static<typeof reportAgentStepBody>;
