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
  Patch,
  Post,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { CONNECTOR_NAMES, CONNECTORS, isConnectorName, type ConnectorName } from '#libs/connectors';
import type { DefinitionSet } from '#libs/definitions';
import { EVENT_TYPES, isEventType } from '#libs/events';
import {
  ACTIVE_CREDENTIALS,
  addSigningSecret,
  issueCredential,
  replayWebhooks,
  WEBHOOK_OUTCOMES,
  type ConnectorSettings,
  type Source,
  type WebhookOutcomeName,
  type WebhookPayloadStore,
} from '#libs/pipeline';
import { newSourceId, type SourcesRepository } from '#libs/postgres';
import type { RuntimeConfig } from '#runtime/config';
import type { Intake } from '#runtime/intake';
import { CONFIG, DEFINITIONS, INTAKE, SOURCES, WEBHOOK_PAYLOADS } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';

const SOURCE_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', example: 'src_3f9a1c2b4d5e' },
    orgId: { type: 'string', example: 'O1' },
    uri: { type: 'string', description: 'the CloudEvents `source` its events carry', example: 'ticketing/zendesk' },
    name: { type: 'string', example: 'Zendesk (support)' },
    eventTypes: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] } },
    connector: { type: 'string', enum: [...CONNECTOR_NAMES], description: "a vendor's webhook (docs/connectors.md)" },
    settings: { type: 'object', properties: { currency: { type: 'string', example: 'USD' } } },
    webhooks: {
      type: 'object',
      description: "a connector's webhooks: counts by outcome, the last delivery and the last error",
      properties: {
        outcomes: {
          type: 'object',
          properties: Object.fromEntries(WEBHOOK_OUTCOMES.map((o) => [o, { type: 'integer' }])),
        },
        lastDeliveryAt: { type: 'string', format: 'date-time', nullable: true },
        lastError: { type: 'string', nullable: true },
        lastErrorAt: { type: 'string', format: 'date-time', nullable: true },
      },
    },
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
  constructor(
    @Inject(SOURCES) private readonly sources: SourcesRepository,
    @Inject(WEBHOOK_PAYLOADS) private readonly payloads: WebhookPayloadStore,
    @Inject(DEFINITIONS) private readonly definitions: DefinitionSet,
    @Inject(INTAKE) private readonly intake: Intake,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      "Register a source of the admin's org: one that posts canonical events (its first token is in the answer, once), or a connector (a vendor's webhook: the URL to paste is in the answer, its secret is never returned)",
  })
  @ApiBody({
    schema: {
      oneOf: [
        {
          type: 'object',
          required: ['source', 'name', 'eventTypes'],
          properties: {
            source: { type: 'string', maxLength: 200, example: 'ticketing/zendesk' },
            name: { type: 'string', maxLength: 200, example: 'Zendesk (support)' },
            eventTypes: { type: 'array', items: { type: 'string', enum: [...EVENT_TYPES] }, minItems: 1 },
          },
        },
        {
          type: 'object',
          required: ['connector', 'name', 'secret'],
          properties: {
            connector: { type: 'string', enum: [...CONNECTOR_NAMES] },
            name: { type: 'string', maxLength: 200, example: 'Stripe (billing)' },
            secret: {
              type: 'string',
              maxLength: 500,
              description: "the vendor's signing secret, token or user:password (docs/connectors.md)",
            },
            settings: { type: 'object', properties: { currency: { type: 'string', example: 'USD' } } },
          },
        },
      ],
    },
  })
  @ApiResponse({
    status: 201,
    schema: {
      type: 'object',
      properties: {
        source: SOURCE_SCHEMA,
        credential: NEW_CREDENTIAL_SCHEMA,
        url: { type: 'string', description: "a connector's: the URL to paste into the vendor's webhook settings" },
      },
    },
  })
  @ApiResponse({ status: 400, description: 'a field is missing or wrong (named)' })
  @ApiResponse({ status: 409, description: 'that `source` is already registered' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ source: Source; credential: { id: string; token?: string }; url?: string }> {
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (fields.connector !== undefined) return this.createConnector(connectorOf(fields), admin);
    const wanted = sourceOf(body);
    const source = await this.sources.create({ ...wanted, orgId: admin.orgId, createdBy: admin.subject });
    if (source === undefined) throw new ConflictException(`source: ${wanted.uri} is already registered`);
    const issued = await issueCredential(this.sources, source.id, admin.subject);
    if (!issued.ok) throw new ConflictException(`credentials: ${issued.reason}`);
    return { source, credential: { id: issued.id, token: issued.token } };
  }

  private async createConnector(
    wanted: { connector: ConnectorName; name: string; secret: string; settings: ConnectorSettings },
    admin: Principal,
  ): Promise<{ source: Source; credential: { id: string }; url: string }> {
    const id = newSourceId();
    const { connector } = wanted;
    const source = await this.sources.create({
      id,
      uri: `${connector}/${id}`,
      name: wanted.name,
      eventTypes: [...CONNECTORS[connector].eventTypes],
      orgId: admin.orgId,
      createdBy: admin.subject,
      connector,
      settings: wanted.settings,
    });
    if (source === undefined) throw new ConflictException(`source: ${connector}/${id} is already registered`);
    const added = await addSigningSecret(this.sources, id, wanted.secret, admin.subject);
    if (!added.ok) throw new ConflictException(`credentials: ${added.reason}`);
    return {
      source,
      credential: { id: added.id },
      url: `${this.config.alerts.publicUrl}/v1/sources/${connector}/${id}`,
    };
  }

  @Get()
  @ApiOperation({
    summary:
      "The admin's org's sources and their credentials (never the secrets); a connector's with its webhooks: counts by outcome, the last delivery, the last error",
  })
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
    summary: `A new credential for a source (rotation: at most ${ACTIVE_CREDENTIALS} active; revoke the old one after); a connector's takes the vendor's new secret, { "secret": "…" }`,
  })
  @ApiResponse({ status: 201, schema: NEW_CREDENTIAL_SCHEMA })
  @ApiResponse({ status: 400, description: "a connector's secret is missing or too long" })
  @ApiResponse({ status: 404, description: 'no such source in your org' })
  @ApiResponse({ status: 409, description: `already ${ACTIVE_CREDENTIALS} active credentials: revoke one first` })
  async rotate(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ id: string; token?: string }> {
    const source = await this.ownSource(id, admin);
    const issued: { ok: true; id: string; token?: string } | { ok: false; reason: 'limit' | 'no-source' } =
      source.connector === undefined
        ? await issueCredential(this.sources, id, admin.subject)
        : await addSigningSecret(this.sources, id, secretOf(body), admin.subject);
    if (issued.ok) return issued.token === undefined ? { id: issued.id } : { id: issued.id, token: issued.token };
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

  @Patch(':id')
  @ApiOperation({
    summary:
      "A connector's settings, replaced: { settings: { currency } } (the vendor account's currency); replay its webhooks to map them again",
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { settings: { type: 'object', properties: { currency: { type: 'string' } } } },
    },
  })
  @ApiResponse({ status: 200, schema: SOURCE_SCHEMA })
  @ApiResponse({ status: 400, description: 'not a connector, or a setting is wrong (named)' })
  @ApiResponse({ status: 404, description: 'no such source in your org' })
  async configure(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<Source> {
    const source = await this.ownSource(id, admin);
    if (source.connector === undefined) throw new BadRequestException('source: only a connector has settings');
    const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const settings = settingsOf(fields.settings);
    await this.sources.updateSettings(id, settings);
    return { ...source, settings };
  }

  @Post(':id/replay')
  @ApiOperation({
    summary:
      "Map a connector's kept webhooks received since a moment again (after a mapping fix): the same ingest path, the idempotency keys count each event once",
  })
  @ApiBody({
    schema: { type: 'object', required: ['since'], properties: { since: { type: 'string', format: 'date-time' } } },
  })
  @ApiResponse({
    status: 201,
    description: 'payloads mapped again and what their items came to',
    schema: {
      type: 'object',
      properties: {
        payloads: { type: 'integer' },
        counts: {
          type: 'object',
          properties: Object.fromEntries(WEBHOOK_OUTCOMES.map((o) => [o, { type: 'integer' }])),
        },
      },
    },
  })
  @ApiResponse({ status: 400, description: 'since is not a time, or the source is not a connector' })
  @ApiResponse({ status: 404, description: 'no such source in your org' })
  async replay(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() admin: Principal,
  ): Promise<{ payloads: number; counts: Record<WebhookOutcomeName, number> }> {
    const source = await this.ownSource(id, admin);
    if (source.connector === undefined)
      throw new BadRequestException('source: not a connector, nothing is kept to replay');
    const since = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).since : undefined;
    const at = typeof since === 'string' ? Date.parse(since) : NaN;
    if (!Number.isFinite(at)) throw new BadRequestException('since: expected a time such as 2026-12-01T00:00:00Z');
    return replayWebhooks(source, new Date(at), {
      payloads: this.payloads,
      definitions: this.definitions,
      ingest: (events, s, refused) => this.intake.take(events, s, `replay ${id}`, refused),
    });
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

function secretOf(body: unknown): string {
  const secret = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).secret : undefined;
  if (typeof secret !== 'string' || secret.trim() === '' || secret.length > 500)
    throw new BadRequestException("secret: expected the vendor's secret, a non-empty string of at most 500 characters");
  return secret;
}

function connectorOf(b: Record<string, unknown>): {
  connector: ConnectorName;
  name: string;
  secret: string;
  settings: ConnectorSettings;
} {
  const connector = b.connector;
  if (typeof connector !== 'string' || !isConnectorName(connector))
    throw new BadRequestException(`connector: expected one of ${CONNECTOR_NAMES.join(', ')}`);
  if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 200)
    throw new BadRequestException('name: expected a non-empty string of at most 200 characters');
  return { connector, name: b.name, secret: secretOf(b), settings: settingsOf(b.settings) };
}

function settingsOf(value: unknown): ConnectorSettings {
  const settings = value ?? {};
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings))
    throw new BadRequestException('settings: expected an object');
  const { currency, ...other } = settings as Record<string, unknown>;
  const unknown = Object.keys(other);
  if (unknown.length > 0) throw new BadRequestException(`settings: unknown field ${unknown.join(', ')}`);
  if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)))
    throw new BadRequestException('settings.currency: expected an ISO 4217 code of 3 upper-case letters');
  return currency === undefined ? {} : { currency };
}
