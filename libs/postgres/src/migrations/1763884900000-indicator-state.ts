import type { MigrationInterface, QueryRunner } from 'typeorm';

// Processor checkpoints (engine snapshot + log offset, written in one transaction), and indicator
// values: the latest per (indicator, entity, window, period) and their history for Grafana.
export class IndicatorState1763884900000 implements MigrationInterface {
  name = 'IndicatorState1763884900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE processor_checkpoints (
        processor  text        PRIMARY KEY,
        "offset"   bigint      NOT NULL,
        snapshot   jsonb       NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE indicator_values (
        indicator    text             NOT NULL,
        org_id       text             NOT NULL,
        level        text             NOT NULL,
        entity_id    text             NOT NULL,
        "window"     text             NOT NULL,
        period       text             NOT NULL, -- 'rolling', or the calendar period's start
        period_start timestamptz      NOT NULL,
        period_end   timestamptz      NOT NULL,
        value        double precision,
        numerator    double precision,
        denominator  double precision,
        log_offset   bigint           NOT NULL,
        updated_at   timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (indicator, org_id, level, entity_id, "window", period)
      )`);
    // one row per value change; replaying a batch after a crash rewrites the same rows
    await q.query(`
      CREATE TABLE indicator_value_history (
        indicator    text             NOT NULL,
        org_id       text             NOT NULL,
        level        text             NOT NULL,
        entity_id    text             NOT NULL,
        "window"     text             NOT NULL,
        period       text             NOT NULL,
        period_start timestamptz      NOT NULL,
        log_offset   bigint           NOT NULL,
        value        double precision,
        recorded_at  timestamptz      NOT NULL DEFAULT now(),
        PRIMARY KEY (indicator, org_id, level, entity_id, "window", period, log_offset)
      )`);
    // Grafana's time-series panels ask: one indicator, one org, a time range
    await q.query(
      `CREATE INDEX indicator_value_history_series ON indicator_value_history (indicator, org_id, "window", recorded_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE indicator_value_history`);
    await q.query(`DROP TABLE indicator_values`);
    await q.query(`DROP TABLE processor_checkpoints`);
  }
}
