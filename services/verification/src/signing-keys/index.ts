export { signatureVerifies } from './public-keys';
export { signedStatement } from './signed-statement';
export { signingKeysSlice } from './signing-keys.slice';
export { TrustedKeys } from './trusted-keys';
