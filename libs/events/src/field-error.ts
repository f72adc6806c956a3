// One problem in an event: the dotted path of the field (`data.contacts`, `time`) and what is wrong.
export interface FieldError {
  field: string;
  reason: string;
}

// `data.contacts: expected a positive integer; time: …` — the form the CLI and the dead-letter topic show.
export function formatErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.field}: ${e.reason}`).join('; ');
}
