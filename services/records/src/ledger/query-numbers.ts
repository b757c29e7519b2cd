import { BadRequestException } from '@nestjs/common';

/**
 * A whole number from a query parameter (absent → undefined): digits only, at least `min`, at most 2^53 − 1 (what a
 * tree size or position can be); anything else is a 400 naming the parameter.
 */
export function wholeNumber(name: string, value: unknown, min: number, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new BadRequestException(`${name} must be ${what} (a whole number from ${min})`);
  }
  return Number(value);
}

/** A ledger position: 1 for the first entry. */
export const position = (name: string, value: unknown): number | undefined => wholeNumber(name, value, 1, 'a ledger position');
