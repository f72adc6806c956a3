import type { DataSource } from 'typeorm';
import { appendToFeed } from './postgres-feed';

export interface DefinitionVersion {
  version: number;
  orgId: string | null; // the org it applies to; null: a platform default, for every org without its own
  publishedAt: Date;
  publishedBy: string;
  note: string | null;
  source: string;
  summary: unknown;
}

// The audit trail of published KPI definitions, org by org. With `announce`, a new version is announced
// to scoring through the outbox, in the transaction that stores it.
export class DefinitionVersionsRepository {
  constructor(private readonly db: DataSource) {}

  async add(entry: {
    orgId: string | null;
    publishedBy: string;
    note?: string;
    source: string;
    summary: unknown;
    announce: boolean;
  }): Promise<DefinitionVersion> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row[]>(
        `INSERT INTO definition_versions (org_id, published_by, note, source, summary)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [entry.orgId, entry.publishedBy, entry.note ?? null, entry.source, JSON.stringify(entry.summary)],
      );
      const added = toVersion(row as Row);
      if (entry.announce) await appendToFeed(tx, 'definitions', { version: added.version, orgId: added.orgId });
      return added;
    });
  }

  // the newest version of an org (null: the newest platform default)
  async latest(orgId: string | null): Promise<DefinitionVersion | undefined> {
    const [row] = await this.db.query<Row[]>(
      `SELECT * FROM definition_versions WHERE org_id IS NOT DISTINCT FROM $1 ORDER BY version DESC LIMIT 1`,
      [orgId],
    );
    return row === undefined ? undefined : toVersion(row);
  }

  // the newest version of every org that published one, and the newest platform default
  async latestOfEach(): Promise<DefinitionVersion[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT DISTINCT ON (org_id) * FROM definition_versions ORDER BY org_id, version DESC`,
    );
    return rows.map(toVersion);
  }

  // an org's versions and the platform defaults (null: those alone), newest first, without their source
  async history(orgId: string | null): Promise<Omit<DefinitionVersion, 'source'>[]> {
    const rows = await this.db.query<Omit<Row, 'source'>[]>(
      `SELECT version, org_id, published_at, published_by, note, summary FROM definition_versions
       WHERE org_id = $1 OR org_id IS NULL ORDER BY version DESC`,
      [orgId],
    );
    return rows.map((r) => ({
      version: r.version,
      orgId: r.org_id,
      publishedAt: r.published_at,
      publishedBy: r.published_by,
      note: r.note,
      summary: r.summary,
    }));
  }
}

interface Row {
  version: number;
  org_id: string | null;
  published_at: Date;
  published_by: string;
  note: string | null;
  source: string;
  summary: unknown;
}

function toVersion(r: Row): DefinitionVersion {
  return {
    version: r.version,
    orgId: r.org_id,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
    note: r.note,
    source: r.source,
    summary: r.summary,
  };
}
