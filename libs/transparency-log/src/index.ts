export * from './outcome';
export * from './merkle/hashing';
export * from './merkle/subtrees';
export * from './merkle/node-hashes';
export * from './merkle/proofs';
export * from './merkle/compact-range';
export * from './merkle/merkle-tree';
export * from './merkle/verify';
