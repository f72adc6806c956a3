// Injection tokens: every service asks for its collaborators by these, never by class, so the same
// modules run on the embedded default or on Kafka, in one process or many.
export const CONFIG = Symbol('config');
export const DATABASE = Symbol('database');
export const EVENT_LOG = Symbol('event-log');
export const REJECTIONS = Symbol('rejections');
export const DEFINITIONS = Symbol('definitions');
