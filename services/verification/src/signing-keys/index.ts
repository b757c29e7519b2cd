export { signatureVerifies } from './public-keys';
export { signedStatement } from './signed-statement';
export { SigningKeysController } from './signing-keys.controller';
export { TrustedKeys } from './trusted-keys';
