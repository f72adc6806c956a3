import type { Command } from 'commander';
import { SERVICE_NAMES } from '#runtime/service-names';
import type { UpOptions } from './up-run';

// The command and its help only: the pipeline (NestJS, TypeORM, the browser for PDFs) is loaded when
// `up` runs, so the other commands and --help start without it.
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('Run the live pipeline: ingest → indicators → scores → socket.io push, in one process.')
    .option('--demo', 'also stream simulated CRM, ticketing, finance and review events into it')
    .option('--rate <events/s>', 'demo event rate', '50')
    .option('--teams <n>', 'demo teams', '5')
    .option('--agents <n>', 'demo agents per team', '8')
    .option('--history <days>', 'demo: simulated days before today posted first, so weeks are closed (0: none)', '14')
    .option('--services <names...>', `only these services (${SERVICE_NAMES.join(', ')})`)
    .addHelpText(
      'after',
      `
Configuration comes from the environment:
  DATABASE_URL            postgres://… (unset: an embedded Postgres, data under KPI_PULSE_DATA_DIR)
  GRAFANA_DB_PASSWORD     lets Grafana's read-only role kpi_grafana sign in (the reporting schema only)
  KPI_PULSE_DATA_DIR      default .data
  PORT                    HTTP port, default 8080
  KPI_PULSE_DEFINITIONS   KPI definitions to load, default definitions/seed
  EMBEDDED_POSTGRES_PORT  default 54329
  PROCESSOR_BATCH_SIZE    events a poll of the log, default 2000
  PROCESSOR_FLUSH_MS      how often changed values are written, default 500
  PROCESSOR_CHECKPOINT_EVERY  flushes between engine snapshots, default 10
  EVENT_TIME_TOLERANCE_MS how far ahead of this clock an event may be timed, default 300000 (5 min);
                          later ones are rejected (too_far_ahead)
  INGEST_MAX_REQUEST_BYTES  bytes of one POST /v1/events body, default 10485760 (10 MiB); over: 413
  INGEST_MAX_EVENTS       events per request, default 10000; over: 413
  INGEST_MAX_EVENT_BYTES  bytes of one event, default 262144 (256 KiB); over: rejected (too_large)
  INGEST_MAX_DEAD_LETTERS dead letters kept one by one per request, default 100; the rest: one summary
  GATEWAY_SEND_BUFFER_BYTES  unread bytes a scorecard socket may leave before it is disconnected,
                          default 8388608 (8 MiB)
  AUTH_JWT_SECRET         the tokens' shared secret (unset: one generated in KPI_PULSE_DATA_DIR/auth-secret)
  KPI_SECRETS_KEY         the key sealing connectors' signing secrets, 32 bytes in hex or base64
                          (unset: one generated in KPI_PULSE_DATA_DIR/secrets-key)
  AUTH_JWKS_URL           an OIDC issuer's keys instead (with AUTH_ISSUER, AUTH_AUDIENCE)
  KPI_RETAIN_EVENTS       how long read events stay in the log, default 1h (also KPI_RETAIN_DEAD_LETTERS,
                          KPI_RETAIN_FEED, KPI_RETAIN_HISTORY, KPI_HISTORY_STEP, KPI_RETAIN_BREACHES,
                          KPI_RETAIN_DELIVERIES, KPI_RETAIN_WEBHOOKS: docs/retention.md)
  KPI_PULSE_PUBLIC_URL    the page's address as alert receivers and vendors reach it (connectors' URLs, which
                          HubSpot and Twilio sign), default http://localhost:$PORT
  SMTP_URL                smtp://user:password@host:587 (or SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD),
                          with SMTP_FROM: the server alert emails go through (docs/alerts.md)
  ALERTS_POLL_MS          between passes over alert groups and deliveries due, default 1000
  REVIEW_PACK_SCHEDULE    when the weekly review packs are made and mailed, in each org's time zone,
                          default "mon 09:00" ("off": on demand only; docs/review-and-close.md)
  REVIEW_STALLED_DAYS     days without a stage change that make a deal stalled, default 14
  KPI_PULSE_CHROMIUM      the Chromium that prints the review pack's PDF, default chromium on PATH

Example:
  npm run demo            (the same as: kpi-pulse up --demo)`,
    )
    .action(async (opts: UpOptions) => {
      const { runUp } = await import('./up-run.js');
      await runUp(opts);
    });
}
