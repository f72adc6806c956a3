import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { EVENT_TYPES, isEventType } from '#libs/events';
import { ACTIVE_CREDENTIALS, issueCredential, type Source } from '#libs/pipeline';
import type { SourcesRepository } from '#libs/postgres';
import { SOURCES } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from './auth.guard';
import { ERROR } from './openapi-schemas';

const SOURCE_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', example: 'src_3f9a1c2b4d5e' },
    orgId: { type: 'string', example: 'O1' },
    uri: { type: 'string', description: 'the CloudEvents `source` its events carry', example: 'ticketing/zendesk' },
    name: { type: 'string', example: 'Zendesk (support)' },
    eventTypes: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] } },
  },
};
const CREDENTIAL_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    createdBy: { type: 'string' },
    lastUsedAt: { type: 'string', format: 'date-time', nullable: true },
    revokedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
const NEW_CREDENTIAL_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', example: '3f9a1c2b4d5e' },
    token: { type: 'string', description: 'shown this once: Authorization: Bearer <token> on POST /v1/events' },
  },
};

// The sources allowed to write events, and their write credentials: an org's admins register their
// systems (CRM, ticketing, telephony, finance, reviews), each with the event types it may send.
@ApiTags('sources')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'not an admin', schema: ERROR })
@UseGuards(AuthGuard)
@Roles(['admin'])
@Controller('v1/sources')
export class SourcesController {
  constructor(@Inject(SOURCES) private readonly sources: SourcesRepository) {}

  @Post()
  @ApiOperation({ summary: "Register a source of the admin's org; its first credential is in the answer, once" })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['source', 'name', 'eventTypes'],
      properties: {
        source: { type: 'string', maxLength: 200, example: 'ticketing/zendesk' },
        name: { type: 'string', maxLength: 200, example: 'Zendesk (support)' },
        eventTypes: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] }, minItems: 1 },
      },
    },
  })
  @ApiResponse({
    status: 201,
    schema: { type: 'object', properties: { source: SOURCE_SCHEMA, credential: NEW_CREDENTIAL_SCHEMA } },
  })
  @ApiResponse({ status: 400, description: 'a field is missing or wrong (named)' })
  @ApiResponse({ status: 409, description: 'that `source` is already registered' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ source: Source; credential: { id: string; token: string } }> {
    const wanted = sourceOf(body);
    const source = await this.sources.create({ ...wanted, orgId: admin.orgId, createdBy: admin.subject });
    if (source === undefined) throw new ConflictException(`source: ${wanted.uri} is already registered`);
    const issued = await issueCredential(this.sources, source.id, admin.subject);
    if (!issued.ok) throw new ConflictException(`credentials: ${issued.reason}`);
    return { source, credential: { id: issued.id, token: issued.token } };
  }

  @Get()
  @ApiOperation({ summary: "The admin's org's sources and their credentials (never the secrets)" })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'array',
      items: {
        allOf: [
          SOURCE_SCHEMA,
          { type: 'object', properties: { credentials: { type: 'array', items: CREDENTIAL_SCHEMA } } },
        ],
      },
    },
  })
  list(@CurrentPrincipal() admin: Principal): ReturnType<SourcesRepository['ofOrg']> {
    return this.sources.ofOrg(admin.orgId);
  }

  @Post(':id/credentials')
  @ApiOperation({
    summary: `A new credential for a source (rotation: at most ${ACTIVE_CREDENTIALS} active; revoke the old one after)`,
  })
  @ApiResponse({ status: 201, schema: NEW_CREDENTIAL_SCHEMA })
  @ApiResponse({ status: 404, description: 'no such source in your org' })
  @ApiResponse({ status: 409, description: `already ${ACTIVE_CREDENTIALS} active credentials: revoke one first` })
  async rotate(@Param('id') id: string, @CurrentPrincipal() admin: Principal): Promise<{ id: string; token: string }> {
    await this.ownSource(id, admin);
    const issued = await issueCredential(this.sources, id, admin.subject);
    if (issued.ok) return { id: issued.id, token: issued.token };
    if (issued.reason === 'limit')
      throw new ConflictException(`credentials: already ${ACTIVE_CREDENTIALS} active, revoke one first`);
    throw new NotFoundException('source: no such source in your org');
  }

  @Delete(':id/credentials/:credential')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a credential: ingest refuses it from now on' })
  @ApiResponse({ status: 204, description: 'revoked' })
  @ApiResponse({ status: 404, description: 'no such active credential of a source of your org' })
  async revoke(
    @Param('id') id: string,
    @Param('credential') credential: string,
    @CurrentPrincipal() admin: Principal,
  ): Promise<void> {
    await this.ownSource(id, admin);
    if (!(await this.sources.revoke(id, credential)))
      throw new NotFoundException('credential: no such active credential of this source');
  }

  // another org's source is answered like a missing one: its existence is not theirs to learn
  private async ownSource(id: string, admin: Principal): Promise<Source> {
    const source = await this.sources.get(id);
    if (source === undefined || source.orgId !== admin.orgId)
      throw new NotFoundException('source: no such source in your org');
    return source;
  }
}

function sourceOf(body: unknown): { uri: string; name: string; eventTypes: string[] } {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const text = (field: string, value: unknown): string => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200)
      throw new BadRequestException(`${field}: expected a non-empty string of at most 200 characters`);
    return value;
  };
  const uri = text('source', b.source);
  const name = text('name', b.name);
  const types = b.eventTypes;
  if (!Array.isArray(types) || types.length === 0)
    throw new BadRequestException('eventTypes: expected a non-empty list of event types');
  const unknown = types.filter((t) => typeof t !== 'string' || !isEventType(t));
  if (unknown.length > 0)
    throw new BadRequestException(`eventTypes: not event types of the contract: ${unknown.map(String).join(', ')}`);
  return { uri, name, eventTypes: [...new Set(types as string[])] };
}
