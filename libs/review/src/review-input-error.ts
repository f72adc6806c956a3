// A refused input of the review pack's API, by field and code (the gateway answers 400, or 404 for
// `not_found`): `{ field, code, message }`, like every other rejection.
export type ReviewInputCode = 'required' | 'invalid_type' | 'invalid_value' | 'too_long' | 'unknown_field';

export class ReviewInputError extends Error {
  constructor(
    readonly field: string,
    readonly code: ReviewInputCode,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
