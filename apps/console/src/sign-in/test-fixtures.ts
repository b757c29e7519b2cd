/** A JWT with these claims, its signature not a real one: the console reads claims, the services check signatures. */
export const aJwt = (claims: Record<string, unknown>): string =>
  [{ alg: 'RS256', typ: 'JWT', kid: 'k1' }, claims].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).concat('c2lnbmF0dXJl').join('.');
