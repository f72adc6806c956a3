// Injection tokens: every service asks for its collaborators by these, never by class, so the same
// modules run on the embedded default or on Kafka, in one process or many.
export const CONFIG = Symbol('config');
export const DATABASE = Symbol('database');
export const EVENT_LOG = Symbol('event-log');
export const REJECTIONS = Symbol('rejections');
export const DEFINITIONS = Symbol('definitions');
export const CHANGE_BUS = Symbol('change-bus');
export const INDICATOR_STORE = Symbol('indicator-store');
export const SCORECARDS = Symbol('scorecards');
export const SCORECARD_BUS = Symbol('scorecard-bus');
export const METRICS = Symbol('metrics');
export const CLOCK = Symbol('clock');
export const REGISTRY = Symbol('definitions-registry');
export const DEFINITION_VERSIONS = Symbol('definition-versions');
export const FEEDS = Symbol('feeds');
export const EVENT_APPENDER = Symbol('event-appender'); // ingest's appends: the Postgres log or Kafka
export const KAFKA = Symbol('kafka'); // the Kafka connection, or null on the embedded log
