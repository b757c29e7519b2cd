import { allViolations, firstViolation, where, type Policy, type Rule } from './policy';

/** A toy domain: a hold placed on a book (ddd-by-examples' library, in miniature). */
interface Hold {
  patron: 'regular' | 'researcher';
  restricted: boolean;
  holds: number;
  overdue: readonly string[];
}
type Rejection = { code: string; detail?: string };

const onlyResearchersHoldRestrictedBooks: Rule<Hold, Rejection> = (h) => (h.restricted && h.patron === 'regular' ? { code: 'RestrictedBook' } : undefined);
const regularPatronsHoldAtMostFive: Rule<Hold, Rejection> = (h) => (h.patron === 'regular' && h.holds >= 5 ? { code: 'TooManyHolds' } : undefined);
const atMostTwoOverdueCheckouts: Rule<Hold, Rejection> = (h) => (h.overdue.length > 2 ? { code: 'TooManyOverdue' } : undefined);
/** broken once per overdue checkout */
const eachOverdueCheckoutIsReported: Rule<Hold, Rejection[]> = (h) => h.overdue.map((book) => ({ code: 'OverdueCheckout', detail: book }));

const policy: Policy<Hold, Rejection> = [onlyResearchersHoldRestrictedBooks, regularPatronsHoldAtMostFive, atMostTwoOverdueCheckouts];
const fine: Hold = { patron: 'regular', restricted: false, holds: 0, overdue: [] };

describe('firstViolation', () => {
  it('is undefined when every rule holds', () => expect(firstViolation(policy, fine)).toBeUndefined());
  it('the earlier rule wins when several are broken', () =>
    expect(firstViolation(policy, { ...fine, restricted: true, holds: 5, overdue: ['b1', 'b2', 'b3'] })).toEqual({ code: 'RestrictedBook' }));
  it('a later rule is found when the earlier ones hold', () => expect(firstViolation(policy, { ...fine, holds: 5 })).toEqual({ code: 'TooManyHolds' }));
  it('stops at the first broken rule: later rules are not asked', () => {
    const asked: string[] = [];
    const spy = (name: string, found?: Rejection): Rule<Hold, Rejection> => () => (asked.push(name), found);
    firstViolation([spy('a'), spy('b', { code: 'B' }), spy('c', { code: 'C' })], fine);
    expect(asked).toEqual(['a', 'b']);
  });
  it('an empty policy holds', () => expect(firstViolation([], fine)).toBeUndefined());
});

describe('allViolations', () => {
  const reporting: Policy<Hold, Rejection | Rejection[]> = [onlyResearchersHoldRestrictedBooks, eachOverdueCheckoutIsReported, regularPatronsHoldAtMostFive];
  it('is empty when every rule holds', () => expect(allViolations(reporting, fine)).toEqual([]));
  it('collects every violation of every rule, in the order of the policy and, for a rule broken several times over, of the rule', () =>
    expect(allViolations(reporting, { ...fine, restricted: true, holds: 7, overdue: ['b1', 'b2'] })).toEqual([
      { code: 'RestrictedBook' },
      { code: 'OverdueCheckout', detail: 'b1' },
      { code: 'OverdueCheckout', detail: 'b2' },
      { code: 'TooManyHolds' },
    ]));
});

describe('where', () => {
  /** the branch's facts, known only for a patron registered at a branch */
  type Visit = { hold: Hold; branch?: { overdueHere: number } };
  const atMostTwoOverdueAtTheBranch: Rule<{ overdueHere: number }, Rejection> = (b) => (b.overdueHere > 2 ? { code: 'OverdueAtBranch' } : undefined);
  const visitPolicy: Policy<Visit, Rejection> = [(v) => onlyResearchersHoldRestrictedBooks(v.hold), ...where((v: Visit) => v.branch, [atMostTwoOverdueAtTheBranch])];

  it('judges what it narrows the facts to', () => expect(firstViolation(visitPolicy, { hold: fine, branch: { overdueHere: 3 } })).toEqual({ code: 'OverdueAtBranch' }));
  it('holds where there is nothing to judge', () => expect(allViolations(visitPolicy, { hold: fine })).toEqual([]));
});
