import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type pg from 'pg';

/**
 * Runs SQL with `?` placeholders (`params` as an array) or `:name` placeholders (`params` as an
 * object) as a parameterized query, in the EntityManager's transaction when it has one, and
 * returns its rows. MikroORM's `execute()` instead inlines each parameter as an escaped literal,
 * which costs CPU on statements with large values, such as push log bodies. Errors are the
 * driver's, not converted to MikroORM's exception classes.
 */
export async function executeWithBindings<T>(em: EntityManager, sql: string, params: readonly unknown[] | Record<string, unknown>): Promise<T[]> {
  const query = em.getKnex().raw(sql, params as readonly Knex.RawBinding[] | Knex.ValueDict);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  const result = (await query) as { rows: T[] };
  return result.rows;
}

/** A statement with `$1`-style parameters that PostgreSQL parses and plans once per connection. */
export interface PreparedStatement {
  /** Unique per text: a connection keeps one prepared statement under each name. */
  name: string;
  text: string;
}

/**
 * Runs a named prepared statement and returns its rows: in the EntityManager's transaction, on
 * that transaction's connection, when it has one, else on a connection of its pool. Each pool
 * connection parses the statement once, and PostgreSQL reuses a generic plan after five
 * executions unless plans for the actual parameters are much cheaper. The large CTE statements
 * of the delivery path took about as long to plan as to run: recording an event with 10
 * triggered connections took 1.9 ms unprepared and 1.0 ms prepared (node-postgres on the 2-core
 * benchmark machine, PostgreSQL 15).
 */
export async function executePrepared<T>(em: EntityManager, statement: PreparedStatement, values: readonly unknown[]): Promise<T[]> {
  const transaction = em.getTransactionContext<Knex.Transaction>();
  // A knex transaction's client lends out the transaction's own connection and never releases it.
  const client = (transaction ?? em.getKnex()).client as PoolClient;
  const connection = await client.acquireConnection();
  const query = { name: statement.name, text: statement.text, values: [...values] };
  try {
    await forgetIfMarkedStale(connection, statement.name);
    try {
      return (await connection.query(query)).rows as T[];
    } catch (error) {
      if (!isStalePreparedStatement(error)) throw error;
      if (transaction) {
        // The error aborted the transaction, so nothing more runs on it until its rollback.
        markStale(connection, statement.name);
        throw error;
      }
      // A migration by another process changed a type that the statement returns or binds, and
      // PostgreSQL raises this on every later execution of it on this connection. The error comes
      // before execution, and outside a transaction the statement's changes would be rolled back
      // anyway, so running it again after preparing it anew is safe.
      await forgetPreparedStatement(connection, statement.name, error);
      return (await connection.query(query)).rows as T[];
    }
  } finally {
    await client.releaseConnection(connection);
  }
}

/**
 * Prepared statements that failed as stale inside a transaction, by connection. The aborted
 * transaction cannot deallocate them, so the next execution on the connection does.
 */
const staleStatements = new WeakMap<pg.ClientBase, Set<string>>();

function markStale(connection: pg.ClientBase, name: string): void {
  const names = staleStatements.get(connection) ?? new Set<string>();
  names.add(name);
  staleStatements.set(connection, names);
}

async function forgetIfMarkedStale(connection: pg.ClientBase, name: string): Promise<void> {
  const names = staleStatements.get(connection);
  if (!names?.has(name)) return;
  await forgetPreparedStatement(connection, name, new Error(`Prepared statement ${name} failed as stale in a transaction, and node-postgres no longer lists it for deallocation.`));
  names.delete(name);
}

/**
 * Runs `transaction` again, up to three attempts in all, when it failed on a prepared statement
 * that a migration by another process made stale. Inside a transaction, executePrepared cannot
 * prepare the statement anew, so it raises, and the next execution on that connection prepares
 * it anew. Each pool connection fails this way once per schema change, so a retry that gets
 * another stale connection can fail again.
 */
export async function retryOnStalePreparedStatement<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (error) {
      if (!isStalePreparedStatement(error) || attempt >= STALE_STATEMENT_ATTEMPTS) throw error;
    }
  }
}

const STALE_STATEMENT_ATTEMPTS = 3;

/**
 * Returns true for the errors of a prepared statement whose saved types no longer match the
 * schema. A returned column changed type (SQLSTATE 0A000), or a parameter's type was dropped and
 * created again (XX000, as PostgreSQL 15 reports it).
 */
function isStalePreparedStatement(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  return (code === '0A000' && message === 'cached plan must not change result type') || (code === 'XX000' && message.startsWith('cache lookup failed for type'));
}

/**
 * Deallocates a prepared statement on the connection, so that its next run parses it again.
 * node-postgres parses each statement name once per connection and keeps the names in
 * `connection.parsedStatements` (pg 8), which has no public API. Re-raises `cause` when that
 * record is missing, rather than leave node-postgres executing a statement that no longer exists.
 */
async function forgetPreparedStatement(connection: pg.ClientBase, name: string, cause: unknown): Promise<void> {
  const parsed = (connection as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection?.parsedStatements;
  if (!parsed) throw cause;
  await connection.query(`deallocate "${name.replace(/"/g, '""')}"`);
  delete parsed[name];
}

/** The parts of knex's client that lend out the node-postgres connections of its pool. */
interface PoolClient {
  acquireConnection(): Promise<pg.ClientBase>;
  releaseConnection(connection: pg.ClientBase): Promise<void>;
}

/** A prepared statement written with `:name` parameters, and the order in which it binds them. */
export interface NamedPreparedStatement extends PreparedStatement {
  /** Returns the values of `params` in `$1`, `$2`, … order. */
  bind(params: Record<string, unknown>): unknown[];
}

/**
 * Turns SQL with `:name` parameters into a prepared statement with `$1`-style ones. Each
 * occurrence gets a number of its own, as knex binds them, because PostgreSQL gives a parameter
 * one type: a name compared with a text column in one place and inserted into an enum column in
 * another needs two. `::type` casts are left alone. Binding a name that `params` lacks throws,
 * so a typo cannot bind null silently.
 */
export function namedPreparedStatement(name: string, sql: string): NamedPreparedStatement {
  const order: string[] = [];
  const text = sql.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_match, parameter: string) => {
    order.push(parameter);
    return `$${order.length}`;
  });
  return {
    name,
    text,
    bind(params) {
      return order.map((parameter) => {
        if (!(parameter in params)) throw new Error(`Prepared statement ${name} has no value for its parameter :${parameter}.`);
        return params[parameter];
      });
    },
  };
}

/** Turns SQL with `?` parameters, in the style of knex, into `$1`-style ones numbered in order; it must contain no other `?`. */
export function numberPlaceholders(sql: string): string {
  let count = 0;
  return sql.replace(/\?/g, () => `$${++count}`);
}
