import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isConnectorName } from '#libs/connectors';
import {
  WEBHOOK_OUTCOMES,
  type ConnectorSettings,
  type Source,
  type SourceCredential,
  type SourceStore,
  type WebhookOutcomeName,
  type WebhookStats,
} from '#libs/pipeline';
import type { SecretBox } from './secret-box';

interface SourceRow {
  id: string;
  org_id: string;
  uri: string;
  name: string;
  event_types: string[];
  connector: string | null;
  settings: ConnectorSettings;
}

interface StatsRow {
  outcomes: WebhookStats['outcomes'];
  last_delivery_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
}

function toSource(r: SourceRow): Source {
  const source: Source = { id: r.id, orgId: r.org_id, uri: r.uri, name: r.name, eventTypes: r.event_types };
  if (r.connector !== null && isConnectorName(r.connector)) {
    source.connector = r.connector;
    source.settings = r.settings;
  }
  return source;
}

const toStats = (r: StatsRow): WebhookStats => ({
  outcomes: r.outcomes,
  lastDeliveryAt: r.last_delivery_at?.toISOString() ?? null,
  lastError: r.last_error,
  lastErrorAt: r.last_error_at?.toISOString() ?? null,
});

export const newSourceId = (): string => `src_${randomBytes(6).toString('hex')}`;

// Sources and their write credentials (only the secrets' hashes; a connector's signing secrets sealed by
// the box, opened only to verify a webhook, never returned), and what each connector source's webhooks
// came to.
export class SourcesRepository implements SourceStore {
  constructor(
    private readonly db: DataSource,
    private readonly box: SecretBox,
  ) {}

  // undefined: the uri is taken (by this org or another). `id`: a connector source's, whose uri names it.
  async create(source: Omit<Source, 'id'> & { id?: string; createdBy: string }): Promise<Source | undefined> {
    const rows = await this.db.query<SourceRow[]>(
      `INSERT INTO sources (id, org_id, uri, name, event_types, created_by, connector, settings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (uri) DO NOTHING RETURNING *`,
      [
        source.id ?? newSourceId(),
        source.orgId,
        source.uri,
        source.name,
        source.eventTypes,
        source.createdBy,
        source.connector ?? null,
        source.settings ?? {},
      ],
    );
    return rows[0] === undefined ? undefined : toSource(rows[0]);
  }

  async ofOrg(orgId: string): Promise<(Source & { credentials: SourceCredential[]; webhooks?: WebhookStats })[]> {
    const rows = await this.db.query<(SourceRow & StatsRow & { credentials: SourceCredential[] })[]>(
      `SELECT s.*, coalesce(json_agg(json_build_object('id', c.id, 'createdAt', c.created_at, 'createdBy', c.created_by,
                'lastUsedAt', c.last_used_at, 'revokedAt', c.revoked_at) ORDER BY c.created_at)
                FILTER (WHERE c.id IS NOT NULL), '[]') AS credentials
       FROM sources s LEFT JOIN source_credentials c ON c.source_id = s.id
       WHERE s.org_id = $1 GROUP BY s.id ORDER BY s.uri`,
      [orgId],
    );
    return rows.map((r) => {
      const source = toSource(r);
      return source.connector === undefined
        ? { ...source, credentials: r.credentials }
        : { ...source, credentials: r.credentials, webhooks: toStats(r) };
    });
  }

  // Every connector source's webhook counts, for /metrics.
  async webhookStats(): Promise<{ source: string; connector: string; stats: WebhookStats }[]> {
    const rows = await this.db.query<(StatsRow & { uri: string; connector: string })[]>(
      `SELECT uri, connector, outcomes, last_delivery_at, last_error, last_error_at FROM sources WHERE connector IS NOT NULL`,
    );
    return rows.map((r) => ({ source: r.uri, connector: r.connector, stats: toStats(r) }));
  }

  async connectorSource(id: string): Promise<{ source: Source; secrets: string[] } | undefined> {
    const [row] = await this.db.query<(SourceRow & { sealed: { id: string; secret: string }[] })[]>(
      `SELECT s.*, coalesce(json_agg(json_build_object('id', c.id, 'secret', c.sealed_secret))
                FILTER (WHERE c.sealed_secret IS NOT NULL AND c.revoked_at IS NULL), '[]') AS sealed
       FROM sources s LEFT JOIN source_credentials c ON c.source_id = s.id
       WHERE s.id = $1 AND s.connector IS NOT NULL GROUP BY s.id`,
      [id],
    );
    if (row === undefined) return undefined;
    const secrets = row.sealed.map((c) => {
      const secret = this.box.open(c.secret, c.id);
      // the start checks every sealed secret opens (sealClearSecrets): only a key changed since can get here
      if (secret === undefined) throw new Error(`credential ${c.id}: KPI_SECRETS_KEY does not open its secret`);
      return secret;
    });
    return { source: toSource(row), secrets };
  }

  // At start, before serving: seals the signing secrets kept in clear before they were sealed at rest
  // (migration 1763888600000), and answers the credentials whose sealed secret this key does not open
  // (a KPI_SECRETS_KEY other than the one that sealed them), which the runtime refuses to start with.
  async sealClearSecrets(): Promise<{ sealed: number; unopenable: string[] }> {
    return this.db.transaction(async (tx) => {
      const clear = await tx.query<{ id: string; signing_secret: string }[]>(
        `SELECT id, signing_secret FROM source_credentials WHERE signing_secret IS NOT NULL FOR UPDATE`,
      );
      for (const c of clear) {
        await tx.query(`UPDATE source_credentials SET sealed_secret = $2, signing_secret = NULL WHERE id = $1`, [
          c.id,
          this.box.seal(c.signing_secret, c.id),
        ]);
      }
      const sealed = await tx.query<{ id: string; sealed_secret: string }[]>(
        `SELECT id, sealed_secret FROM source_credentials WHERE sealed_secret IS NOT NULL AND revoked_at IS NULL`,
      );
      const unopenable = sealed.filter((c) => this.box.open(c.sealed_secret, c.id) === undefined).map((c) => c.id);
      return { sealed: clear.length, unopenable };
    });
  }

  // One UPDATE of the source's row: counts added, the last delivery now, the error (if any) kept.
  async recordWebhook(
    sourceId: string,
    counts: Partial<Record<WebhookOutcomeName, number>>,
    error?: string,
  ): Promise<void> {
    const added = WEBHOOK_OUTCOMES.map((name) => counts[name] ?? 0);
    const sums = WEBHOOK_OUTCOMES.map(
      (name, i) => `'${name}', coalesce((outcomes ->> '${name}')::bigint, 0) + $${i + 2}`,
    );
    await this.db.query(
      `UPDATE sources SET outcomes = jsonb_build_object(${sums.join(', ')}), last_delivery_at = now(),
         last_error = coalesce($7, last_error),
         last_error_at = CASE WHEN $7::text IS NULL THEN last_error_at ELSE now() END
       WHERE id = $1`,
      [sourceId, ...added, error ?? null],
    );
  }

  // a connector source's settings, replaced
  async updateSettings(id: string, settings: ConnectorSettings): Promise<void> {
    await this.db.query(`UPDATE sources SET settings = $2 WHERE id = $1 AND connector IS NOT NULL`, [id, settings]);
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
         FROM sources s WHERE c.id = $1 AND s.id = c.source_id AND c.secret_hash IS NOT NULL
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
           FROM source_credentials c JOIN sources s ON s.id = c.source_id WHERE c.id = $1 AND c.secret_hash IS NOT NULL`,
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
    credential: { id: string; createdBy: string } & ({ secretHash: string } | { signingSecret: string }),
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
        `INSERT INTO source_credentials (id, source_id, secret_hash, sealed_secret, created_by) VALUES ($1, $2, $3, $4, $5)`,
        [
          credential.id,
          sourceId,
          'secretHash' in credential ? credential.secretHash : null,
          'signingSecret' in credential ? this.box.seal(credential.signingSecret, credential.id) : null,
          credential.createdBy,
        ],
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
