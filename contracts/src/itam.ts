import { arrayOf, enumOf, label, mapOf, objectOf, text, timestamp, Type, type Static } from './json-schema';
import { createAjv, firstProblem } from './ajv';
import { COMPONENT_KINDS, componentVersionProperties } from './vocabulary';

/**
 * Inbound from IT asset management on `itam.components.v1` (CloudEvents, structured mode). IT asset management keeps
 * the authorised repository (the definitive media library and hardware store); these events tell verification which
 * component versions it holds. Gantry only reads them; the same definitions are accepted on `POST /components`.
 */

/** CloudEvents `type` of the inbound component events. */
export const ITAM_COMPONENT_EVENT_TYPES = {
  ComponentVersionRegistered: 'itam.components.ComponentVersionRegistered.v1',
  ComponentVersionWithdrawn: 'itam.components.ComponentVersionWithdrawn.v1',
} as const;
export type ItamComponentEventName = keyof typeof ITAM_COMPONENT_EVENT_TYPES;

const count = Type.Integer({ minimum: 0, maximum: 1_000_000_000 });
/** The algorithms of the keys Gantry trusts (component versions' signatures, signed authorisations of changes). */
export const SIGNING_ALGORITHMS = ['ed25519', 'ecdsa-p256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const signingKeyIdSchema = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@+-]*$' });
export const digestSchema = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const port = Type.Integer({ minimum: 1, maximum: 65535 });

/** Quality evidence of a version: its test results and the vulnerabilities known in it. */
export const qualityEvidenceSchema = objectOf({ testsPassed: count, testsTotal: count, criticalVulnerabilities: count, highVulnerabilities: count });
export type QualityEvidence = Static<typeof qualityEvidenceSchema>;

/**
 * What a component version needs of the environment it goes into. `runtimes` maps a runtime to a version range:
 * comparators separated by spaces, each `>=`, `>`, `<=`, `<` or `=` and a dotted version (`">=24.0.0 <25"`).
 */
export const environmentRequirementsSchema = objectOf({
  runtimes: Type.Optional(mapOf(Type.String({ minLength: 1, maxLength: 100, pattern: '^\\s*(?:(?:>=|<=|>|<|=)?\\s*\\d+(?:\\.\\d+)*\\s*)+$' }), 20)),
  operatingSystem: Type.Optional(label()),
  capacityUnits: Type.Optional(count),
  /** network ports the component opens; each must be allowed by the environment */
  ports: Type.Optional(arrayOf(port, 100, 0, { uniqueItems: true })),
  /** a driver package: the components (workstation images, hardware) it is for, by name */
  compatibleWith: Type.Optional(arrayOf(componentVersionProperties.name, 100, 1, { uniqueItems: true })),
});
export type EnvironmentRequirements = Static<typeof environmentRequirementsSchema>;

/** A signature names the key that made it, and a key is only given with a signature. */
const signedTogether = { dependentRequired: { signature: ['keyId'], keyId: ['signature'] } };

/**
 * A physical unit of a hardware version: its serial number, and until when its warranty runs. The repository lists the
 * units bought; a delivery is checked against them.
 */
export const hardwareUnitSchema = objectOf({ serial: label(128), warrantyUntil: Type.Optional(timestamp) });
export type HardwareUnit = Static<typeof hardwareUnitSchema>;

/** A document that comes with a version: a warranty, a maintenance contract, a datasheet; `digest` pins its bytes. */
export const componentDocumentSchema = objectOf({ kind: enumOf(['warranty', 'maintenance', 'datasheet', 'other']), reference: label(2048), digest: Type.Optional(digestSchema) });

/** A version that has bytes (every kind but hardware) names their digest and size; hardware need not. */
const bytesUnlessHardware = { if: { properties: { kind: { const: 'hardware' } } }, else: { properties: { digest: {}, size: {} }, required: ['digest', 'size'] } };

/**
 * One entry of the authorised repository. `digest` is `sha256:<64 hex>` (required for every kind but hardware, whose
 * entry lists its `units` and `documents` instead); for the kinds verification's signing policy names
 * (GANTRY_SIGNED_KINDS), `signature` (base64) is the signature of the canonical statement of name, version and digest
 * by the signing key `keyId` (see services/verification/README.md for its exact bytes).
 */
export const componentVersionDefinitionSchema = objectOf(
  {
    ...componentVersionProperties,
    kind: enumOf(COMPONENT_KINDS),
    digest: Type.Optional(digestSchema),
    /** bytes */
    size: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    /** hardware: the units of this version bought (serial numbers, warranty) */
    units: Type.Optional(arrayOf(hardwareUnitSchema, 10000, 1)),
    /** warranty, maintenance and other documents that come with the version */
    documents: Type.Optional(arrayOf(componentDocumentSchema, 50, 1)),
    /** where the version comes from: a vendor, a build pipeline, a store */
    source: label(500),
    signature: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9+/_=-]+$' })),
    keyId: Type.Optional(signingKeyIdSchema),
    quality: Type.Optional(qualityEvidenceSchema),
    /** references to the version's documentation (URLs, document ids) */
    documentation: Type.Optional(arrayOf(label(2048), 50, 1)),
    requirements: Type.Optional(environmentRequirementsSchema),
  },
  { ...signedTogether, ...bytesUnlessHardware },
);
export type ComponentVersionDefinition = Static<typeof componentVersionDefinitionSchema>;
export const componentVersionDefinitionProperties = componentVersionDefinitionSchema.properties;

/**
 * A component version as verified: its authorised repository entry's digest and, where it is signed, its signature
 * and the key that made it. Execution hands these to the executor, which must install exactly these bytes.
 */
export const verifiedComponentSchema = objectOf({
  ...componentVersionProperties,
  result: enumOf(['verified']),
  digest: Type.Optional(digestSchema),
  signature: componentVersionDefinitionProperties.signature,
  keyId: componentVersionDefinitionProperties.keyId,
  /** hardware: the units ordered (the repository's serials), which a physical deployment's delivery is received against */
  units: componentVersionDefinitionProperties.units,
}, signedTogether);
export type VerifiedComponent = Static<typeof verifiedComponentSchema>;

/** A version taken out of the authorised repository (a vulnerability found, a recall). */
const componentVersionWithdrawalSchema = objectOf({ ...componentVersionProperties, reason: text() });
export type ComponentVersionWithdrawal = Static<typeof componentVersionWithdrawalSchema>;

export const itamComponentEventSchemas = {
  ComponentVersionRegistered: componentVersionDefinitionSchema,
  ComponentVersionWithdrawn: componentVersionWithdrawalSchema,
};

/** Verification's own record of an entry (`gantry.verification.ComponentVersionRegistered.v1`). */
export const componentVersionRegisteredSchema = objectOf({ ...componentVersionDefinitionProperties, registeredAt: timestamp }, { ...signedTogether, ...bytesUnlessHardware });

const ajv = createAjv();
const validators = Object.fromEntries(Object.entries(itamComponentEventSchemas).map(([name, schema]) => [name, ajv.compile(schema)]));

/** The inbound component event's name behind a CloudEvents `type`, or undefined. */
export const itamComponentEventNameOf = (type: string): ItamComponentEventName | undefined =>
  (Object.keys(ITAM_COMPONENT_EVENT_TYPES) as ItamComponentEventName[]).find((name) => ITAM_COMPONENT_EVENT_TYPES[name] === type);

/** null when the payload is valid, else the first problem (field path and message). */
export const validateItamComponentEvent = (name: ItamComponentEventName, data: unknown): string | null => firstProblem(validators[name], data);
