import { refuse, type Decider } from './decider';
import { foldSpecification, specification } from './specification';

/** A counter that refuses to go below zero. */
type Event = { type: 'Added'; by: number };
type Command = { type: 'Add'; by: number };
const counter: Decider<Command, Event, { total: number }, { code: 'BelowZero'; total: number }> = {
  initialState: { total: 0 },
  evolve: (state, event) => ({ total: state.total + event.by }),
  decide: (command, state) => (state.total + command.by < 0 ? refuse({ code: 'BelowZero', total: state.total }) : command.by === 0 ? [] : [{ type: 'Added', by: command.by }]),
};
const spec = specification(counter);
const added = (by: number): Event => ({ type: 'Added', by });

describe('specification', () => {
  it('then: the events decided from the history', () => spec.given([added(2)]).when({ type: 'Add', by: -1 }).then([added(-1)]));
  it('thenRefused: the exact refusal', () => spec.given([added(2)]).when({ type: 'Add', by: -3 }).thenRefused({ code: 'BelowZero', total: 2 }));
  it('thenNothing: no events', () => spec.given([]).when({ type: 'Add', by: 0 }).thenNothing());
  it('fails with both sides when the events differ, or a refusal was expected', () => {
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).then([added(2)])).toThrow(/events differ/);
    expect(() => spec.given([]).when({ type: 'Add', by: 1 }).thenRefused({ code: 'BelowZero', total: 0 })).toThrow(/expected refusal/);
  });
});

describe('foldSpecification', () => {
  const fold = foldSpecification((state: { total: number; last?: number }, event: Event) => ({ total: state.total + event.by, last: event.by }), { total: 0 });
  it('then: the state the events leave, whatever the order of its keys, absent and undefined alike', () => {
    fold.given([added(2), added(3)]).then({ last: 3, total: 5 });
    fold.given([]).then({ total: 0, last: undefined });
  });
  it('fails with both sides when the state differs', () => expect(() => fold.given([added(2)]).then({ total: 3, last: 2 })).toThrow(/state differ/));
});
