import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RunnerMetrics } from '#libs/pipeline';

// Prometheus metrics of the pipeline, served at /metrics: the same series on every backend.
export class PipelineMetrics implements RunnerMetrics {
  readonly registry = new Registry();
  readonly eventsIn = new Counter({
    name: 'kpi_events_in_total',
    help: 'Events received at ingest',
    registers: [this.registry],
  });
  readonly eventsByOutcome = new Counter({
    name: 'kpi_events_total',
    help: 'Events by outcome: accepted, duplicate, rejected (ingest); late (engine: too late for a closed period)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly eventsBySource = new Counter({
    name: 'kpi_source_events_total',
    help: 'Events received at ingest by the source their credential proves, and outcome',
    labelNames: ['source', 'outcome'],
    registers: [this.registry],
  });
  readonly ingestRefused = new Counter({
    name: 'kpi_ingest_unauthorized_total',
    help: 'Ingest requests refused without a valid source token (401): nothing taken',
    registers: [this.registry],
  });
  readonly webhooks = new Counter({
    name: 'kpi_connector_webhook_items_total',
    help: "Connector webhooks' items by source, connector and outcome: accepted, duplicate, rejected (dead letters), ignored (no KPI meaning), refused (401, the whole webhook)",
    labelNames: ['source', 'connector', 'outcome'],
    registers: [this.registry],
  });
  readonly webhooksRefused = new Counter({
    name: 'kpi_connector_refused_total',
    help: 'Connector webhooks refused (401) by connector and reason: unknown_source, missing_signature, malformed_signature, stale_timestamp, bad_signature',
    labelNames: ['connector', 'reason'],
    registers: [this.registry],
  });
  readonly webhookLastDelivery = new Gauge({
    name: 'kpi_connector_last_delivery_timestamp_seconds',
    help: "When a connector source's last webhook arrived (unix seconds), refused ones included",
    labelNames: ['source', 'connector'],
    registers: [this.registry],
  });
  readonly unknownMembers = new Counter({
    name: 'kpi_roster_unknown_member_events_total',
    help: 'Events accepted at ingest naming an agent or team the roster of record does not know (they grant nobody access)',
    labelNames: ['org', 'kind'],
    registers: [this.registry],
  });
  readonly rejectedByCode = new Counter({
    name: 'kpi_rejected_total',
    help: 'Dead letters by stage (ingest, processor, scoring) and code',
    labelNames: ['stage', 'code'],
    registers: [this.registry],
  });
  readonly scoringRetries = new Counter({
    name: 'kpi_scoring_retries_total',
    help: 'Scoring rounds, scorecard writes and breach sends retried after a transient failure',
    labelNames: ['what'],
    registers: [this.registry],
  });
  readonly consumerLag = new Gauge({
    name: 'kpi_consumer_lag_events',
    help: 'Events in the log (Postgres) or the held partitions (Kafka) the indicator processor has not folded yet',
    registers: [this.registry],
  });
  readonly checkpointBytes = new Gauge({
    name: 'kpi_checkpoint_bytes',
    help: "The indicator engines' state as their last checkpoints wrote it (JSON bytes): what memory holds of it and what each checkpoint costs",
    registers: [this.registry],
  });
  readonly foldSeconds = new Histogram({
    name: 'kpi_fold_seconds',
    help: 'Time to read one batch of the source and fold it into the engine',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly flushSeconds = new Histogram({
    name: 'kpi_flush_seconds',
    help: 'Time to write one flush of changed indicator values (and a checkpoint, every few)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly scoreSeconds = new Histogram({
    name: 'kpi_score_seconds',
    help: 'Time of one scoring round: re-score the touched scorecards, store them with their breaches, push',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly alertTransitions = new Counter({
    name: 'kpi_alert_transitions_total',
    help: 'Alert rule instances that fired or resolved (docs/definitions.md "Alert rules")',
    registers: [this.registry],
  });
  readonly alertDeliveries = new Counter({
    name: 'kpi_alert_deliveries_total',
    help: 'Alert delivery tries by status: delivered, retried (failed, tried again later), failed (after the last try)',
    labelNames: ['status'],
    registers: [this.registry],
  });
  readonly slowReadersDisconnected = new Counter({
    name: 'kpi_gateway_slow_readers_disconnected_total',
    help: 'Scorecard sockets disconnected for leaving more than GATEWAY_SEND_BUFFER_BYTES unread',
    registers: [this.registry],
  });
  readonly gatewaySockets = new Gauge({
    name: 'kpi_gateway_sockets',
    help: 'Scorecard sockets connected to this gateway',
    registers: [this.registry],
  });
  readonly endToEndSeconds = new Histogram({
    name: 'kpi_end_to_end_seconds',
    help: 'From durable acceptance at ingest to the scorecard update leaving the gateway',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly retentionPrunedRows = new Counter({
    name: 'kpi_retention_pruned_rows_total',
    help: 'Rows deleted by retention, by table (event-log, dead-letters, feed, indicator-history, scorecard-history, breaches, deliveries, webhook-payloads, revoked-tokens)',
    labelNames: ['table'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kpi_process_' });
  }
}
