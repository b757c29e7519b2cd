/**
 * What a parse or a check concluded: the value, or the reason it was refused, in words an auditor can act on
 * ("the proof has 3 hashes where a leaf at index 5 of a tree of 8 needs 3" is a reason; "invalid" is not).
 * Expected failures (a malformed checkpoint, a proof that does not lead to the root) are values; a thrown error is a bug.
 */
export type Outcome<T> = { readonly ok: true; readonly value: T } | Refusal;

export interface Refusal {
  readonly ok: false;
  readonly reason: string;
}

export const accept = <T>(value: T): Outcome<T> => ({ ok: true, value });

export const reject = (reason: string): Refusal => ({ ok: false, reason });
