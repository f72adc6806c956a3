import type { DataSource } from 'typeorm';
import { closedAtAfter, type ActionItem, type ActionItemFields, type ReviewPack } from '#libs/review';

export interface StoredPack {
  pack: ReviewPack;
  dataHash: string;
  generatedAt: number;
  generations: number;
  firstHash: string; // the hash of the week's first generation: another one now means its results were restated
}

export interface ReviewSubscriber {
  teamId: string;
  email: string;
  language: 'zh' | 'en';
}

interface ItemRow {
  id: string;
  team_id: string;
  title: string;
  owner: string;
  due_date: string;
  status: ActionItem['status'];
  raised_week: string;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

const ITEM_COLUMNS = `id::text, team_id, title, owner, to_char(due_date, 'YYYY-MM-DD') AS due_date, status, raised_week,
  created_at, updated_at, closed_at`;

const itemOf = (r: ItemRow): ActionItem => ({
  id: r.id,
  teamId: r.team_id,
  title: r.title,
  owner: r.owner,
  dueDate: r.due_date,
  status: r.status,
  raisedWeek: r.raised_week,
  createdAt: r.created_at.getTime(),
  updatedAt: r.updated_at.getTime(),
  closedAt: r.closed_at?.getTime() ?? null,
});

const MAX_ITEMS = 1000; // per team: a pack carries the open ones

// Generated weekly review packs (one per team and week: the latest generation), the teams' action items
// and the pack's email subscribers. Every query is bounded by the org: tenants never meet.
export class ReviewPacksRepository {
  constructor(private readonly db: DataSource) {}

  // stores a generation of a week's pack, counting generations and telling the hash it replaced
  async savePack(orgId: string, pack: ReviewPack, generatedAt: number): Promise<StoredPack> {
    const [row] = await this.db.query<{ generations: number; first_hash: string }[]>(
      `INSERT INTO review_packs AS p (org_id, team_id, week, data_hash, first_hash, pack, generated_at)
       VALUES ($1, $2, $3, $4, $4, $5, $6)
       ON CONFLICT (org_id, team_id, week) DO UPDATE SET data_hash = excluded.data_hash, pack = excluded.pack,
         generated_at = excluded.generated_at, generations = p.generations + 1
       RETURNING generations, first_hash`,
      [orgId, pack.team.teamId, pack.week.label, pack.dataHash, JSON.stringify(pack), new Date(generatedAt)],
    );
    return {
      pack,
      dataHash: pack.dataHash,
      generatedAt,
      generations: row?.generations ?? 1,
      firstHash: row?.first_hash ?? pack.dataHash,
    };
  }

  async pack(orgId: string, teamId: string, week: string): Promise<StoredPack | null> {
    const [row] = await this.db.query<
      { pack: ReviewPack; data_hash: string; first_hash: string; generated_at: Date; generations: number }[]
    >(
      `SELECT pack, data_hash, first_hash, generated_at, generations FROM review_packs
       WHERE org_id = $1 AND team_id = $2 AND week = $3`,
      [orgId, teamId, week],
    );
    return row === undefined
      ? null
      : {
          pack: row.pack,
          dataHash: row.data_hash,
          firstHash: row.first_hash,
          generatedAt: row.generated_at.getTime(),
          generations: row.generations,
        };
  }

  // the weeks a team has packs for, newest first
  async weeks(
    orgId: string,
    teamId: string,
    limit: number,
  ): Promise<{ week: string; dataHash: string; generatedAt: number }[]> {
    const rows = await this.db.query<{ week: string; data_hash: string; generated_at: Date }[]>(
      `SELECT week, data_hash, generated_at FROM review_packs WHERE org_id = $1 AND team_id = $2 ORDER BY week DESC LIMIT $3`,
      [orgId, teamId, limit],
    );
    return rows.map((r) => ({ week: r.week, dataHash: r.data_hash, generatedAt: r.generated_at.getTime() }));
  }

  async actionItems(orgId: string, teamId: string): Promise<ActionItem[]> {
    const rows = await this.db.query<ItemRow[]>(
      `SELECT ${ITEM_COLUMNS} FROM review_action_items WHERE org_id = $1 AND team_id = $2 ORDER BY id LIMIT ${MAX_ITEMS}`,
      [orgId, teamId],
    );
    return rows.map(itemOf);
  }

  async actionItem(orgId: string, id: string): Promise<ActionItem | null> {
    const [row] = await this.db.query<ItemRow[]>(
      `SELECT ${ITEM_COLUMNS} FROM review_action_items WHERE org_id = $1 AND id = $2`,
      [orgId, id],
    );
    return row === undefined ? null : itemOf(row);
  }

  async createActionItem(
    orgId: string,
    teamId: string,
    raisedWeek: string,
    fields: ActionItemFields,
    createdBy: string,
    now: number,
  ): Promise<ActionItem> {
    const closedAt = closedAtAfter(undefined, fields.status, now);
    const [row] = await this.db.query<ItemRow[]>(
      `INSERT INTO review_action_items (org_id, team_id, title, owner, due_date, status, raised_week, created_by, created_at, updated_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING ${ITEM_COLUMNS}`,
      [
        orgId,
        teamId,
        fields.title,
        fields.owner,
        fields.dueDate,
        fields.status,
        raisedWeek,
        createdBy,
        new Date(now),
        closedAt === null ? null : new Date(closedAt),
      ],
    );
    return itemOf(row!);
  }

  async updateActionItem(
    orgId: string,
    stored: ActionItem,
    fields: ActionItemFields,
    now: number,
  ): Promise<ActionItem> {
    const closedAt = closedAtAfter(stored, fields.status, now);
    const [[row]] = await this.db.query<[ItemRow[], number]>(
      `UPDATE review_action_items SET title = $3, owner = $4, due_date = $5, status = $6, updated_at = $7, closed_at = $8
       WHERE org_id = $1 AND id = $2 RETURNING ${ITEM_COLUMNS}`,
      [
        orgId,
        stored.id,
        fields.title,
        fields.owner,
        fields.dueDate,
        fields.status,
        new Date(now),
        closedAt === null ? null : new Date(closedAt),
      ],
    );
    return itemOf(row!);
  }

  async subscribers(orgId: string, teamId: string): Promise<ReviewSubscriber[]> {
    const rows = await this.db.query<{ team_id: string; email: string; language: 'zh' | 'en' }[]>(
      `SELECT team_id, email, language FROM review_subscribers WHERE org_id = $1 AND team_id = $2 ORDER BY email`,
      [orgId, teamId],
    );
    return rows.map((r) => ({ teamId: r.team_id, email: r.email, language: r.language }));
  }

  async subscribe(orgId: string, subscriber: ReviewSubscriber, createdBy: string): Promise<void> {
    await this.db.query(
      `INSERT INTO review_subscribers (org_id, team_id, email, language, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (org_id, team_id, email) DO UPDATE SET language = excluded.language`,
      [orgId, subscriber.teamId, subscriber.email, subscriber.language, createdBy],
    );
  }

  async unsubscribe(orgId: string, teamId: string, email: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM review_subscribers WHERE org_id = $1 AND team_id = $2 AND email = $3`,
      [orgId, teamId, email],
    );
    return count > 0;
  }

  async markDelivered(orgId: string, teamId: string, week: string, at: number): Promise<void> {
    await this.db.query(`UPDATE review_packs SET delivered_at = $4 WHERE org_id = $1 AND team_id = $2 AND week = $3`, [
      orgId,
      teamId,
      week,
      new Date(at),
    ]);
  }

  // the org's teams with cards whose pack of the week has not been mailed by the schedule yet
  async undelivered(orgId: string, week: string): Promise<string[]> {
    const rows = await this.db.query<{ entity_id: string }[]>(
      `SELECT DISTINCT s.entity_id FROM scorecards s
       WHERE s.org_id = $1 AND s.level = 'team' AND NOT EXISTS (
         SELECT 1 FROM review_packs p WHERE p.org_id = s.org_id AND p.team_id = s.entity_id AND p.week = $2 AND p.delivered_at IS NOT NULL)
       ORDER BY s.entity_id`,
      [orgId, week],
    );
    return rows.map((r) => r.entity_id);
  }

  async orgsWithTeamCards(): Promise<string[]> {
    const rows = await this.db.query<{ org_id: string }[]>(
      `SELECT DISTINCT org_id FROM scorecards WHERE level = 'team' ORDER BY org_id`,
    );
    return rows.map((r) => r.org_id);
  }
}
