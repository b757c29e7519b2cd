import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { Database, transactionMemo } from './database';

/** One connection, so every transaction runs on the same pooled client: what one remembers must not reach the next. */
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase('gantry_memo');
  db = Database.connect(database.url, { max: 1 });
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe('transactionMemo', () => {
  it('is there inside a transaction only, and each transaction on the same client starts with nothing remembered', async () => {
    expect(transactionMemo(db)).toBeUndefined();
    const clients: unknown[] = [];
    await db.transaction(async (tx) => {
      clients.push(tx);
      transactionMemo(tx)!.set('head', 1);
      expect(transactionMemo(tx)!.get('head')).toBe(1);
    });
    expect(transactionMemo(clients[0] as Database)).toBeUndefined();
    await db
      .transaction(async (tx) => {
        clients.push(tx);
        expect(transactionMemo(tx)!.get('head')).toBeUndefined();
        transactionMemo(tx)!.set('head', 2);
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await db.transaction(async (tx) => {
      clients.push(tx);
      expect(transactionMemo(tx)!.get('head')).toBeUndefined();
    });
    // the same pooled client served all three
    expect(new Set(clients).size).toBe(1);
  });
});
