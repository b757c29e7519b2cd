/**
 * JSON text that is already canonical, embedded as is by canonicalJson. Lets the store serialize an event's data
 * once for both storing and hashing. Not part of the package's exports: a wrong text here would be hashed blindly.
 */
export class CanonicalText {
  constructor(readonly text: string) {}
}
