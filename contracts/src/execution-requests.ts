import { arrayOf, objectOf, Type, type Static } from './json-schema';
import { evidenceSchema, supplierDefinitionSchema, supplierScopeSchema } from './execution';
import { serviceContactSchema } from './planning';

/** Bodies of execution's HTTP and gRPC doors, each validated by its schema (SchemaBody, validatedMessage). */

export const denyGateBody = objectOf({ reason: Type.String({ maxLength: 2000, pattern: '\\S', description: 'some text (at most 2000 characters)' }) });
export type DenyGateBody = Static<typeof denyGateBody>;

export const rollbackDecisionBody = objectOf({
  /** true: roll back; false: end the run failed (after an inconclusive canary: continue) */
  rollback: Type.Boolean(),
});
export type RollbackDecisionBody = Static<typeof rollbackDecisionBody>;

export const completeManualStepBody = objectOf({ evidence: arrayOf(evidenceSchema, 20) });
export type CompleteManualStepBody = Static<typeof completeManualStepBody>;

export const registerSupplierBody = supplierDefinitionSchema;
/** The name is the path's. */
export const updateSupplierBody = objectOf({ contact: serviceContactSchema, scope: supplierScopeSchema });
export type UpdateSupplierBody = Static<typeof updateSupplierBody>;
