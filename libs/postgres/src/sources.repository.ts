import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Source, SourceCredential, SourceStore } from '#libs/pipeline';

interface SourceRow {
  id: string;
  org_id: string;
  uri: string;
  name: string;
  event_types: string[];
}

const toSource = (r: SourceRow): Source => ({
  id: r.id,
  orgId: r.org_id,
  uri: r.uri,
  name: r.name,
  eventTypes: r.event_types,
});

// Sources and their write credentials (only the secrets' hashes).
export class SourcesRepository implements SourceStore {
  constructor(private readonly db: DataSource) {}

  // undefined: the uri is taken (by this org or another)
  async create(source: Omit<Source, 'id'> & { createdBy: string }): Promise<Source | undefined> {
    const rows = await this.db.query<SourceRow[]>(
      `INSERT INTO sources (id, org_id, uri, name, event_types, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (uri) DO NOTHING RETURNING *`,
      [
        `src_${randomBytes(6).toString('hex')}`,
        source.orgId,
        source.uri,
        source.name,
        source.eventTypes,
        source.createdBy,
      ],
    );
    return rows[0] === undefined ? undefined : toSource(rows[0]);
  }

  async ofOrg(orgId: string): Promise<(Source & { credentials: SourceCredential[] })[]> {
    const rows = await this.db.query<(SourceRow & { credentials: SourceCredential[] })[]>(
      `SELECT s.*, coalesce(json_agg(json_build_object('id', c.id, 'createdAt', c.created_at, 'createdBy', c.created_by,
                'lastUsedAt', c.last_used_at, 'revokedAt', c.revoked_at) ORDER BY c.created_at)
                FILTER (WHERE c.id IS NOT NULL), '[]') AS credentials
       FROM sources s LEFT JOIN source_credentials c ON c.source_id = s.id
       WHERE s.org_id = $1 GROUP BY s.id ORDER BY s.uri`,
      [orgId],
    );
    return rows.map((r) => ({ ...toSource(r), credentials: r.credentials }));
  }

  async get(id: string): Promise<Source | undefined> {
    const [row] = await this.db.query<SourceRow[]>(`SELECT * FROM sources WHERE id = $1`, [id]);
    return row === undefined ? undefined : toSource(row);
  }

  async byUri(uri: string): Promise<Source | undefined> {
    const [row] = await this.db.query<SourceRow[]>(`SELECT * FROM sources WHERE uri = $1`, [uri]);
    return row === undefined ? undefined : toSource(row);
  }

  // The credential and its source; marks it used (at most once a minute: a write per request would cost).
  async credential(
    credentialId: string,
  ): Promise<{ source: Source; secretHash: string; revoked: boolean } | undefined> {
    const [row] = await this.db.query<(SourceRow & { secret_hash: string; revoked: boolean })[]>(
      // a WITH around the UPDATE: TypeORM answers an UPDATE with [rows, count], a SELECT with rows
      `WITH used AS (
         UPDATE source_credentials c SET last_used_at = now()
         FROM sources s WHERE c.id = $1 AND s.id = c.source_id
           AND (c.last_used_at IS NULL OR c.last_used_at < now() - interval '1 minute')
         RETURNING s.*, c.secret_hash, c.revoked_at IS NOT NULL AS revoked)
       SELECT * FROM used`,
      [credentialId],
    );
    const found =
      row ??
      (
        await this.db.query<(SourceRow & { secret_hash: string; revoked: boolean })[]>(
          `SELECT s.*, c.secret_hash, c.revoked_at IS NOT NULL AS revoked
           FROM source_credentials c JOIN sources s ON s.id = c.source_id WHERE c.id = $1`,
          [credentialId],
        )
      )[0];
    return found === undefined
      ? undefined
      : { source: toSource(found), secretHash: found.secret_hash, revoked: found.revoked };
  }

  // Under the source's row lock, so two requests cannot both pass the limit.
  async addCredential(
    sourceId: string,
    credential: { id: string; secretHash: string; createdBy: string },
    limit: number,
  ): Promise<'added' | 'limit' | 'no-source'> {
    return this.db.transaction(async (tx) => {
      const [source] = await tx.query<{ id: string }[]>(`SELECT id FROM sources WHERE id = $1 FOR UPDATE`, [sourceId]);
      if (source === undefined) return 'no-source';
      const [{ active }] = await tx.query<[{ active: number }]>(
        `SELECT count(*)::int AS active FROM source_credentials WHERE source_id = $1 AND revoked_at IS NULL`,
        [sourceId],
      );
      if (active >= limit) return 'limit';
      await tx.query(
        `INSERT INTO source_credentials (id, source_id, secret_hash, created_by) VALUES ($1, $2, $3, $4)`,
        [credential.id, sourceId, credential.secretHash, credential.createdBy],
      );
      return 'added';
    });
  }

  // every active credential of the source (a demo restarting hands out fresh ones)
  async revokeAll(sourceId: string): Promise<void> {
    await this.db.query(
      `UPDATE source_credentials SET revoked_at = now() WHERE source_id = $1 AND revoked_at IS NULL`,
      [sourceId],
    );
  }

  // false: no such active credential of this source
  async revoke(sourceId: string, credentialId: string): Promise<boolean> {
    const rows = await this.db.query<{ id: string }[]>(
      `WITH revoked AS (
         UPDATE source_credentials SET revoked_at = now() WHERE id = $1 AND source_id = $2 AND revoked_at IS NULL
         RETURNING id)
       SELECT id FROM revoked`,
      [credentialId, sourceId],
    );
    return rows.length > 0;
  }
}
