/**
 * "Your database", for the example: stored connections (your key, the provider, the ref)
 * and what the workers did with them. SQLite through node:sqlite, shared by every process
 * (WAL: readers and one writer at a time). In your app this is your own database; Redis
 * never holds a ref.
 */
import { DatabaseSync } from 'node:sqlite';
import type { QueueRefreshResult } from 'polybank/bullmq';

export interface StoredConnection {
  key: string;
  provider: string;
  ref: unknown;
  /** The provider's own id of the connection, to find it from a webhook (Powens `connection.id`). */
  providerId?: string;
}

export interface ResultRow {
  jobId: string;
  key: string;
  provider: string;
  kind: string;
  ok: boolean;
  reason: string | null;
  userAction: string | null;
  accounts: number;
  attempt: number;
  takenOver: number;
  worker: string;
  at: number;
}

export class AppDb {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path, { timeout: 10_000 });
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS connections (key TEXT PRIMARY KEY, provider TEXT NOT NULL, ref TEXT NOT NULL, provider_id TEXT);
      CREATE INDEX IF NOT EXISTS connections_provider_id ON connections (provider, provider_id);
      CREATE TABLE IF NOT EXISTS results (
        job_id TEXT NOT NULL, key TEXT NOT NULL, provider TEXT NOT NULL, kind TEXT NOT NULL, ok INTEGER NOT NULL,
        reason TEXT, user_action TEXT, accounts INTEGER NOT NULL, attempt INTEGER NOT NULL, taken_over INTEGER NOT NULL,
        worker TEXT NOT NULL, at INTEGER NOT NULL);`);
  }

  insertConnections(rows: readonly StoredConnection[]): void {
    const insert = this.#db.prepare('INSERT OR REPLACE INTO connections (key, provider, ref, provider_id) VALUES (?, ?, ?, ?)');
    this.#db.exec('BEGIN');
    for (const row of rows) insert.run(row.key, row.provider, JSON.stringify(row.ref), row.providerId ?? null);
    this.#db.exec('COMMIT');
  }

  connections(): Array<{ key: string; provider: string }> {
    return this.#db.prepare('SELECT key, provider FROM connections ORDER BY rowid').all() as Array<{ key: string; provider: string }>;
  }

  refOf(key: string): unknown {
    const row = this.#db.prepare('SELECT ref FROM connections WHERE key = ?').get(key) as { ref: string } | undefined;
    return row ? JSON.parse(row.ref) : undefined;
  }

  keyOf(provider: string, providerId: string): string | undefined {
    const row = this.#db.prepare('SELECT key FROM connections WHERE provider = ? AND provider_id = ?').get(provider, providerId) as { key: string } | undefined;
    return row?.key;
  }

  /** A ref the provider rotated (a new refresh token): the old one no longer works. */
  saveRef(key: string, ref: unknown): void {
    this.#db.prepare('UPDATE connections SET ref = ? WHERE key = ?').run(JSON.stringify(ref), key);
  }

  /** Every report is kept (after a worker crash a job may be reported twice: its jobId tells). */
  recordResult(result: QueueRefreshResult, worker: string): void {
    this.#db
      .prepare('INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        result.jobId,
        result.key,
        result.provider,
        result.kind,
        result.ok ? 1 : 0,
        result.ok ? null : result.error.code,
        result.ok ? null : ('userAction' in result.error ? String(result.error.userAction) : null),
        result.ok ? result.accounts.length : 0,
        result.attempt,
        result.takenOver,
        worker,
        Date.now(),
      );
  }

  results(): ResultRow[] {
    const rows = this.#db.prepare('SELECT * FROM results ORDER BY at').all() as Array<Record<string, string | number | null>>;
    return rows.map((r) => ({
      jobId: String(r.job_id),
      key: String(r.key),
      provider: String(r.provider),
      kind: String(r.kind),
      ok: r.ok === 1,
      reason: r.reason === null ? null : String(r.reason),
      userAction: r.user_action === null ? null : String(r.user_action),
      accounts: Number(r.accounts),
      attempt: Number(r.attempt),
      takenOver: Number(r.taken_over),
      worker: String(r.worker),
      at: Number(r.at),
    }));
  }

  resultCount(): number {
    return Number((this.#db.prepare('SELECT COUNT(DISTINCT key) AS n FROM results').get() as { n: number }).n);
  }

  close(): void {
    this.#db.close();
  }
}
