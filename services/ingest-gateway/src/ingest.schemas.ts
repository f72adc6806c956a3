import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

// The OpenAPI shapes of POST /v1/events (docs only: the body is read and checked by readEventBody and
// checkEvent, not by these classes).

@ApiSchema({ name: 'CanonicalEvent' })
export class CanonicalEventSchema {
  @ApiProperty({ type: String, example: '1.0', enum: ['1.0'] })
  specversion!: string;

  @ApiProperty({ type: String, example: 'zd-88412', maxLength: 256, description: 'unique within source' })
  id!: string;

  @ApiProperty({
    type: String,
    example: 'ticketing/zendesk',
    maxLength: 256,
    description: "the source token's own URI",
  })
  source!: string;

  @ApiProperty({ type: String, example: 'ticket.replied', description: 'one of the types of docs/events.md' })
  type!: string;

  @ApiProperty({
    type: String,
    example: '2026-11-03T09:15:27+08:00',
    description: 'RFC 3339 with Z or an offset within ±15:59; stored as the instant in UTC',
  })
  time!: string;

  @ApiPropertyOptional({ type: String, example: 'ticket-55120' })
  subject?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the fields of the type, always orgId; no NUL or lone surrogates, at most 32 levels deep',
    example: {
      orgId: 'acme',
      teamId: 'cs-shanghai',
      agentId: 'a-042',
      ticketId: 'ticket-55120',
      firstReply: true,
      responseSeconds: 24.5,
      channel: 'chat',
    },
  })
  data!: Record<string, unknown>;
}

@ApiSchema({ name: 'IngestOutcome' })
export class IngestOutcomeSchema {
  @ApiProperty({ type: Number, description: 'position in the request' })
  index!: number;

  @ApiProperty({ type: String, enum: ['accepted', 'duplicate', 'rejected'] })
  status!: string;

  @ApiPropertyOptional({ type: String })
  id?: string;

  @ApiPropertyOptional({ type: String })
  source?: string;

  @ApiPropertyOptional({
    type: Number,
    description: 'where the event sits in the log (a conflict: the copy that counts)',
  })
  offset?: number;

  @ApiPropertyOptional({ type: String, description: 'over Kafka: the topic of the offset' })
  topic?: string;

  @ApiPropertyOptional({ type: Number, description: 'over Kafka: the partition of the offset' })
  partition?: number;

  @ApiPropertyOptional({ type: String, description: 'rejected: the first field at fault', example: 'data.contacts' })
  field?: string;

  @ApiPropertyOptional({
    type: String,
    description:
      'rejected: a stable code — missing, invalid_type, invalid_value, invalid_json, unknown_type, nul_character, ' +
      'lone_surrogate, too_deep, not_finite, too_large, too_far_ahead, unknown_org, no_exchange_rate, out_of_scale, ' +
      'source_mismatch, org_not_allowed, type_not_allowed, unknown_member, conflict, …',
    example: 'invalid_value',
  })
  code?: string;

  @ApiPropertyOptional({ type: String, example: 'data.contacts: expected a positive integer' })
  reason?: string;
}

@ApiSchema({ name: 'IngestResponse' })
export class IngestResponseSchema {
  @ApiProperty({ type: Number })
  accepted!: number;

  @ApiProperty({ type: Number })
  duplicates!: number;

  @ApiProperty({ type: Number })
  rejected!: number;

  @ApiProperty({ type: [IngestOutcomeSchema] })
  results!: IngestOutcomeSchema[];
}

@ApiSchema({ name: 'HttpError' })
export class HttpErrorSchema {
  @ApiProperty({ type: Number, example: 415 })
  statusCode!: number;

  @ApiProperty({ type: String, example: 'Unsupported Media Type' })
  error!: string;

  @ApiProperty({
    type: String,
    example:
      'Content-Type "text/plain" is not accepted: expected one of application/json, application/cloudevents+json, application/cloudevents-batch+json, application/x-ndjson',
  })
  message!: string;
}
