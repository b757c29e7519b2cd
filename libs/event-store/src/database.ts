import { Client, Pool, type ClientConfig, type PoolClient, type PoolConfig } from 'pg';

/**
 * A statement with a name is prepared once per connection and reused (pg's named prepared statements):
 * the server skips parsing and planning on every later run. Names must be unique per statement text.
 */
export interface SqlStatement {
  name?: string;
  text: string;
  values?: readonly unknown[];
}

export interface SqlResult<R> {
  rows: R[];
  rowCount: number | null;
}

/** What a statement runs on: a pool or one transaction's client. pg's Pool and PoolClient both satisfy it. */
export interface SqlClient {
  query<R extends Record<string, any> = Record<string, any>>(text: string, values?: readonly unknown[]): Promise<SqlResult<R>>;
  query<R extends Record<string, any> = Record<string, any>>(statement: SqlStatement): Promise<SqlResult<R>>;
}

export interface DatabaseOptions extends Omit<PoolConfig, 'connectionString'> {
  /**
   * Default true. False where the pool's connections share one server session, as PGlite's socket server does
   * (and PgBouncer in transaction mode): a statement prepared by name through one connection already exists for the
   * next, which then fails with "prepared statement already exists".
   */
  namedStatements?: boolean;
}

/** What each open transaction's client remembers between its statements (transactionMemo). */
const memos = new WeakMap<object, Map<string, unknown>>();

/**
 * What code inside one `Database.transaction` may remember between its statements: a row it locked and wrote, which
 * no other transaction can change before this one ends. Undefined outside a transaction. Forgotten when the
 * transaction commits or rolls back (the client goes back to the pool and serves other transactions).
 */
export const transactionMemo = (tx: SqlClient): Map<string, unknown> | undefined => memos.get(tx);

/** A LISTEN that `Database.listen` keeps open. */
export interface Listening {
  stop(): Promise<void>;
}

/**
 * One pool per process and every transaction's client passed along explicitly.
 * Why: PGlite (the embedded default) runs one transaction at a time across all connections, so code that
 * holds a transaction on one connection while it waits on another deadlocks.
 */
export class Database {
  private readonly committedListeners = new Set<() => void>();

  /**
   * @param namedStatements whether statements may be prepared by name on a connection (see DatabaseOptions)
   */
  constructor(
    readonly pool: Pool,
    readonly namedStatements = true,
  ) {}

  static connect(connectionString: string, { namedStatements = true, ...options }: DatabaseOptions = {}): Database {
    const pool = new Pool({ connectionString, max: 10, ...options });
    // An idle client that loses its server (a Postgres restart) must not crash the process.
    pool.on('error', () => undefined);
    return new Database(pool, namedStatements);
  }

  query: SqlClient['query'] = ((textOrStatement: string | SqlStatement, values?: readonly unknown[]) =>
    this.pool.query(textOrStatement as never, values as unknown[])) as SqlClient['query'];

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let released = false;
    // The pool listens for errors of idle clients only: a server that goes away while this client is checked out
    // (between two statements of the transaction) would otherwise be an unhandled 'error' event, and end the process.
    // The statement in flight fails on its own; the client is then released as broken.
    let lost: Error | undefined;
    const onError = (error: Error) => void (lost = error);
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      memos.set(client, new Map());
      const result = await work(client as unknown as SqlClient);
      await client.query('COMMIT');
      this.notifyCommitted();
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        client.release(rollbackError as Error);
        released = true;
      }
      throw error;
    } finally {
      memos.delete(client);
      client.off('error', onError);
      if (!released) client.release(lost);
    }
  }

  /** Called after every transaction this process commits; publishers use it to wake up without polling hard. */
  onCommitted(listener: () => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Tells the listeners a write committed outside `transaction()`: a single statement that was its own transaction. */
  notifyCommitted(): void {
    this.committedListeners.forEach((listener) => listener());
  }

  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel`, on a connection of its own: LISTEN belongs to a
   * session, so it takes none of the pool's. A lost connection is opened again every `retryMs` until `stop`, and
   * `onReconnected` called, since what was notified meanwhile is not heard again. Resolves once listening.
   */
  async listen(channel: string, onNotify: (payload: string) => void, onReconnected: () => void = () => undefined, retryMs = 1_000): Promise<Listening> {
    let stopped = false;
    let client: Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const open = async (): Promise<void> => {
      const opened = new Client(this.pool.options as ClientConfig);
      opened.on('notification', (message) => message.channel === channel && onNotify(message.payload ?? ''));
      opened.on('error', () => lost(opened));
      opened.on('end', () => lost(opened));
      client = opened;
      await opened.connect();
      await opened.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    };
    const lost = (which: Client) => {
      if (stopped || client !== which || retry) return;
      client = undefined;
      void which.end().catch(() => undefined);
      const again = () => {
        retry = undefined;
        if (stopped) return;
        // a failed attempt is lost like a dropped connection (unless its 'error' already said so), and tried again
        open().then(onReconnected, () => client && lost(client));
      };
      retry = setTimeout(again, retryMs).unref();
    };
    try {
      await open();
    } catch (error) {
      stopped = true;
      await client?.end().catch(() => undefined);
      throw error;
    }
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(retry);
        await client?.end().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
