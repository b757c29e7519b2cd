import { runtimePrivilegesOf } from './runtime-role';

/** pg_trigger.tgtype as PostgreSQL writes it: ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32. */
const ROW = 1;
const BEFORE = 2;
const DELETE = 8;
const UPDATE = 16;
const TRUNCATE = 32;

describe("the runtime role's privileges follow each table's refusing triggers", () => {
  it('an append-only table (BEFORE UPDATE OR DELETE, BEFORE TRUNCATE) is read and appended to, nothing else', () => {
    expect(runtimePrivilegesOf({ table: 'events', kind: 'r', refusingTriggerTypes: [ROW | BEFORE | UPDATE | DELETE, BEFORE | TRUNCATE] })).toEqual(['SELECT', 'INSERT']);
  });

  it('a table whose deletion and truncation are refused but whose updates a guard checks keeps UPDATE (the ledger head)', () => {
    expect(runtimePrivilegesOf({ table: 'ledger_head', kind: 'r', refusingTriggerTypes: [ROW | BEFORE | DELETE, BEFORE | TRUNCATE] })).toEqual(['SELECT', 'INSERT', 'UPDATE']);
  });

  it('a read model, an inbox or a stream head without refusing triggers gets what a service does to it', () => {
    expect(runtimePrivilegesOf({ table: 'deployment_records', kind: 'r', refusingTriggerTypes: [] })).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']);
  });

  it('an AFTER trigger refuses nothing before the change, so it takes no privilege away', () => {
    expect(runtimePrivilegesOf({ table: 'audited', kind: 'r', refusingTriggerTypes: [ROW | UPDATE] })).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']);
  });

  it('migration bookkeeping and views are only read', () => {
    expect(runtimePrivilegesOf({ table: 'schema_migrations', kind: 'r', refusingTriggerTypes: [] })).toEqual(['SELECT']);
    expect(runtimePrivilegesOf({ table: 'typeorm_migrations', kind: 'r', refusingTriggerTypes: [] })).toEqual(['SELECT']);
    expect(runtimePrivilegesOf({ table: 'open_deployments', kind: 'v', refusingTriggerTypes: [] })).toEqual(['SELECT']);
  });
});
