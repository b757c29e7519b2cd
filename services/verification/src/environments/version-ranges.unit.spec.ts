import { satisfiesRange } from './version-ranges';

it.each([
  ['24.1.0', '>=24.0.0 <25', true],
  ['25.0.0', '>=24.0.0 <25', false],
  ['23.9.9', '>=24', false],
  ['21', '=21', true],
  ['21.0.1', '21', false],
  ['3.12.4', '>3.11 <=3.12.4', true],
  ['not-a-version', '>=1', false],
])('%s satisfies %s: %s', (version, range, expected) => expect(satisfiesRange(version, range)).toBe(expected));
