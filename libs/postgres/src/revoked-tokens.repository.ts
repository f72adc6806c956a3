import type { DataSource } from 'typeorm';

export interface Revocation {
  orgId: string;
  jti: string;
  revokedBy: string;
  revokedAt: string; // ISO time
}

// Tokens revoked by an org's admin, by jti. Checked on every verify of a token that carries a jti.
export class RevokedTokensRepository {
  constructor(private readonly db: DataSource) {}

  // idempotent: revoking again keeps the first revocation
  async revoke(orgId: string, jti: string, revokedBy: string): Promise<Revocation> {
    await this.db.query(
      `INSERT INTO revoked_tokens (org_id, jti, revoked_by) VALUES ($1, $2, $3) ON CONFLICT (org_id, jti) DO NOTHING`,
      [orgId, jti, revokedBy],
    );
    const [row] = await this.db.query<{ revoked_by: string; revoked_at: Date }[]>(
      `SELECT revoked_by, revoked_at FROM revoked_tokens WHERE org_id = $1 AND jti = $2`,
      [orgId, jti],
    );
    if (row === undefined) throw new Error(`revoked_tokens: the row of ${orgId}/${jti} is missing after its insert`);
    return { orgId, jti, revokedBy: row.revoked_by, revokedAt: row.revoked_at.toISOString() };
  }

  async isRevoked(orgId: string, jti: string): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(`SELECT 1 FROM revoked_tokens WHERE org_id = $1 AND jti = $2`, [
      orgId,
      jti,
    ]);
    return rows.length > 0;
  }

  // which of these tokens are revoked: one query for every socket of a gateway
  async revokedAmong(tokens: readonly { orgId: string; jti: string }[]): Promise<{ orgId: string; jti: string }[]> {
    if (tokens.length === 0) return [];
    const rows = await this.db.query<{ org_id: string; jti: string }[]>(
      `SELECT r.org_id, r.jti FROM revoked_tokens r
         JOIN unnest($1::text[], $2::text[]) AS t (org_id, jti) ON t.org_id = r.org_id AND t.jti = r.jti`,
      [tokens.map((t) => t.orgId), tokens.map((t) => t.jti)],
    );
    return rows.map((r) => ({ orgId: r.org_id, jti: r.jti }));
  }
}
