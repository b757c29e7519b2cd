export { signatureVerifies } from './public-keys';
export { signingKeysSlice } from './signing-keys.slice';
export { TrustedKeys } from './trusted-keys';
