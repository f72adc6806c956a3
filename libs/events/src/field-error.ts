// Why a field fails the contract, stable for metrics and clients: `missing` (a required field is absent),
// `invalid_type` (a value of the wrong JSON type), `invalid_value` (the right type, not an allowed value),
// `unknown_type` (an event type outside the contract), `unreadable` (the event throws when read), and the
// currency conversion's `no_exchange_rate` / `invalid_exchange_rate`; and what the event log cannot store as
// sent (storageProblem): `nul_character`, `lone_surrogate`, `too_deep`, `not_finite`.
export type FieldErrorCode =
  | 'missing'
  | 'invalid_type'
  | 'invalid_value'
  | 'unknown_type'
  | 'unreadable'
  | 'no_exchange_rate'
  | 'invalid_exchange_rate'
  | 'nul_character'
  | 'lone_surrogate'
  | 'too_deep'
  | 'not_finite';

// One problem in an event: the dotted path of the field (`data.contacts`, `time`), its code and what is wrong.
export interface FieldError {
  field: string;
  code: FieldErrorCode;
  reason: string;
}

// `data.contacts: expected a positive integer; time: …` — the form the CLI and the dead-letter topic show.
export function formatErrors(errors: readonly { field: string; reason: string }[]): string {
  return errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
}
