import type { DataSource } from 'typeorm';
import { appendToFeed } from './postgres-feed';

export interface DefinitionVersion {
  version: number;
  publishedAt: Date;
  publishedBy: string;
  note: string | null;
  source: string;
  summary: unknown;
}

// The audit trail of published KPI definitions. With `announce`, a new version is announced to scoring
// through the outbox, in the transaction that stores it.
export class DefinitionVersionsRepository {
  constructor(private readonly db: DataSource) {}

  async add(entry: {
    publishedBy: string;
    note?: string;
    source: string;
    summary: unknown;
    announce: boolean;
  }): Promise<DefinitionVersion> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row[]>(
        `INSERT INTO definition_versions (published_by, note, source, summary) VALUES ($1, $2, $3, $4) RETURNING *`,
        [entry.publishedBy, entry.note ?? null, entry.source, JSON.stringify(entry.summary)],
      );
      const added = toVersion(row as Row);
      if (entry.announce) await appendToFeed(tx, 'definitions', { version: added.version });
      return added;
    });
  }

  async latest(): Promise<DefinitionVersion | undefined> {
    const [row] = await this.db.query<Row[]>(`SELECT * FROM definition_versions ORDER BY version DESC LIMIT 1`);
    return row === undefined ? undefined : toVersion(row);
  }

  async history(): Promise<Omit<DefinitionVersion, 'source'>[]> {
    const rows = await this.db.query<Row[]>(`SELECT * FROM definition_versions ORDER BY version DESC`);
    return rows
      .map(({ source: _source, ...rest }) => toVersion({ ...rest, source: '' }))
      .map(({ source: _s, ...v }) => v);
  }
}

interface Row {
  version: number;
  published_at: Date;
  published_by: string;
  note: string | null;
  source: string;
  summary: unknown;
}

function toVersion(r: Row): DefinitionVersion {
  return {
    version: r.version,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    note: r.note,
    source: r.source,
    summary: r.summary,
  };
}
