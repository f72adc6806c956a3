// The services of the pipeline, by name: what `up --services` takes. Their modules are in up.ts; this
// list stays free of them, so the CLI can name the services without loading NestJS.
export const SERVICE_NAMES = [
  'ingest-gateway',
  'indicator-processor',
  'scoring-service',
  'scorecard-gateway',
  'alerting',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
