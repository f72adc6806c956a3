import type { ApiResponseSchemaHost } from '@nestjs/swagger';

// What the REST APIs served beside each other (the scorecard gateway's, the review packs') share.

// an OpenAPI schema object, as @ApiResponse takes it
export type SchemaObject = ApiResponseSchemaHost['schema'];

// the body of every 4xx and 5xx answer
export const ERROR: SchemaObject = {
  type: 'object',
  properties: {
    statusCode: { type: 'integer', example: 400 },
    message: { type: 'string', example: 'entity: expected org:<org>, team:<org>:<team> or agent:<org>:<agent>' },
    error: { type: 'string', example: 'Bad Request' },
  },
};

// ids are bigserial: anything else is no such row (and never reaches the SQL as a bad bigint)
export const isRowId = (id: string): boolean => /^[1-9]\d{0,17}$/.test(id);
