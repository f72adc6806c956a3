import type { MigrationInterface, QueryRunner } from 'typeorm';

// The page's alert history says to whom each transition was delivered: deliveries found by the
// transitions' keys they carry.
export class DeliveriesByAlert1763887600000 implements MigrationInterface {
  name = 'DeliveriesByAlert1763887600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX alert_deliveries_alerts ON alert_deliveries USING gin (alerts)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alert_deliveries_alerts`);
  }
}
