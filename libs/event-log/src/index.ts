export { orderingKey, type AppendOutcome, type EventLog, type LoggedRecord, type LogRecord } from './event-log';
