import type { WorkerDatabase } from './openDatabase.js';

/** Conditions of a paged listing: SQL fragments joined by `AND`, and their arguments. */
export interface RowFilter {
  where: string[];
  args: Array<string | number>;
}

/**
 * One page of `table`'s rows that match `filter`, newest first (`created_at`, then
 * insertion), and how many match in all.
 */
export function pageRows<Row>(
  db: WorkerDatabase,
  table: 'experiments' | 'artifacts',
  filter: RowFilter,
  page: { offset: number; limit: number },
): { rows: Row[]; total: number } {
  const clause = filter.where.length === 0 ? '' : `WHERE ${filter.where.join(' AND ')}`;
  const total = db
    .prepare<Array<string | number>, { n: number }>(`SELECT COUNT(*) AS n FROM ${table} ${clause}`)
    .get(...filter.args)!.n;
  const rows = db
    .prepare<Array<string | number>, Row>(
      `SELECT * FROM ${table} ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
    )
    .all(...filter.args, page.limit, page.offset);
  return { rows, total };
}
