/**
 * The store contract every other engine module codes against.
 *
 * Reads: `Store.snapshot()` returns an immutable, consistent view of every committed transaction
 * (including ones still only in `clew.db-wal`), queried with sql.js. Views are cheap to ask for:
 * an unchanged store returns the same view.
 * Writes: `Store.write()` runs its ops as ONE `BEGIN IMMEDIATE … COMMIT` transaction in a real
 * SQLite living in a separate process (never sql.js export()). After it resolves, the next
 * `snapshot()` shows the write (read-your-writes).
 */
export type SqlValue = string | number | null | Uint8Array;
export type Row = Record<string, SqlValue>;

export interface StoreView {
  /** Absolute path of the main database file. */
  readonly dbPath: string;
  /** Monotonic counter: a higher number is a newer snapshot. */
  readonly version: number;
  all<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): T[];
  get<T extends Row = Row>(sql: string, params?: readonly SqlValue[]): T | undefined;
  hasTable(table: string): boolean;
  hasColumn(table: string, column: string): boolean;
}

export interface WriteOp {
  sql: string;
  params?: readonly SqlValue[];
  /**
   * When set, an error whose message contains this text is ignored and the transaction goes on
   * (e.g. 'duplicate column name' when another process ran the same migration first).
   */
  ignoreError?: string;
  /**
   * The same statement once per parameter row, in order, inside the one transaction (SQLite's
   * executemany): a capture's thousands of rows cost one request, not thousands. `params` is
   * then ignored; the result is one entry with the summed changes.
   */
  each?: readonly (readonly SqlValue[])[];
}

export interface WriteOpResult {
  changes: number;
  lastInsertRowid: number | null;
  /** Rows returned by a SELECT/RETURNING op, by column name. */
  rows: Row[];
}

export interface Store {
  readonly dbPath: string;
  /** Why writes are impossible, or null when a writer is available. */
  readonly readOnlyReason: string | null;
  snapshot(): Promise<StoreView>;
  write(ops: readonly WriteOp[]): Promise<WriteOpResult[]>;
  /** A consistent copy of the whole store (every committed transaction) written to `dest`, taken under SQLite's own locking. */
  backup(dest: string): Promise<void>;
  /**
   * Ends the writer. `waitForWriter: false` (a process about to exit) does not wait for the
   * writer process to exit: every write was already committed and answered, and it exits by itself
   * when its input closes.
   */
  close(options?: { waitForWriter?: boolean }): Promise<void>;
}
