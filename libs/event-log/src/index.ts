export {
  orderingKey,
  type AppendOutcome,
  type EventAppender,
  type EventLog,
  type LoggedRecord,
  type LogRecord,
} from './event-log';
