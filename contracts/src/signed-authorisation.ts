import { createAjv, firstProblem } from './ajv';
import { arrayOf, identifier, label, Type, type Static } from './json-schema';
import { componentVersionSchema, LIMITS } from './vocabulary';

/**
 * What change enablement signs when it authorises a change for Gantry: the payload of a compact JWS (RFC 7515, `alg`
 * EdDSA or ES256, `kid` the id of an authorisation key registered with planning). It authorises exactly these component
 * versions of this service into this environment under this change, until `exp` (seconds since the epoch, as in JWT).
 * `sub` names who authorised it in change enablement; other claims (`iat`, `iss`, `jti`) are allowed and ignored.
 */
export const SignedAuthorisationClaims = Type.Object(
  {
    changeId: identifier,
    service: label(),
    environment: label(),
    components: arrayOf(componentVersionSchema, LIMITS.components, 1),
    exp: Type.Integer({ minimum: 0 }),
    sub: Type.Optional(label(256)),
  },
  { additionalProperties: true },
);
export type SignedAuthorisationClaims = Static<typeof SignedAuthorisationClaims>;

const validateClaims = createAjv().compile(SignedAuthorisationClaims);

/** null when the JWS payload holds the claims of a signed authorisation, else the first problem. */
export const signedAuthorisationClaimsProblem = (data: unknown): string | null => firstProblem(validateClaims, data);
