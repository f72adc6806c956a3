import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '#libs/access';
import {
  combineDefinitions,
  formatIssue,
  parseDefinitionDocument,
  parseDefinitionSource,
  type DefinitionIssue,
} from '#libs/definitions';
import type { DefinitionsRegistry, Outlet, PublishedNotice, Transport } from '#libs/pipeline';
import { PostgresPreviewStore, type DefinitionVersion, type DefinitionVersionsRepository } from '#libs/postgres';
import type { Database } from '#runtime/database';
import { CLOCK, DATABASE, DEFINITION_VERSIONS, REGISTRY, TRANSPORT, type Clock } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import {
  CHECKED_DEFINITIONS,
  CURRENT_DEFINITIONS,
  DEFINITIONS_HISTORY,
  PREVIEW_LINE,
  PUBLISHED,
} from './openapi-schemas';
import { PreviewGate, streamPreview } from './definitions-preview';

interface Checked {
  errors: string[];
  warnings: string[];
}

// an entry of the audit trail: the org's own, or a platform default (for every org without its own)
type Listed = Omit<DefinitionVersion, 'source'> & { platformDefault: boolean };

// a definitions document (docs/definitions.md), as YAML text or JSON
const DEFINITIONS_DOCUMENT = {
  oneOf: [
    { type: 'string', description: 'YAML (application/yaml)', example: 'indicators: []\nscorecards: []\n' },
    {
      type: 'object',
      description: 'JSON: indicators, scorecards, orgs (docs/definitions.md)',
      additionalProperties: true,
    },
  ],
};

// a preview's furthest reach back: a year and a quarter of closed periods
const MAX_PREVIEW_DAYS = 460;

// the definitions a caller publishes and reads: their org's (an admin), or the platform defaults (null)
const whose = (user: Principal): string | null => (user.role === 'platform' ? null : user.orgId);

// KPI-as-code over HTTP: validate, publish a new version of the caller's org (its scorecards re-score
// live; admins only) or a platform default (the platform role: every org without its own version),
// read the history and export (the org's admins, with the platform defaults). Other orgs keep theirs.
@ApiTags('definitions')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1/definitions')
export class DefinitionsController {
  constructor(
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(TRANSPORT) transport: Transport,
    @Inject(DATABASE) database: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.published = transport.outlet('definitions');
    this.previewStore = new PostgresPreviewStore(database.db);
  }

  private readonly published: Outlet<PublishedNotice>;
  private readonly previewStore: PostgresPreviewStore;
  private readonly previews = new PreviewGate();

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate KPI definitions (one YAML or JSON document): errors and SMART-lint warnings' })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: DEFINITIONS_DOCUMENT })
  @ApiResponse({ status: 200, schema: CHECKED_DEFINITIONS })
  validate(@Req() req: Request, @Body() body: unknown): Checked {
    return split(parse(req, body).issues);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: "Publish a new version of the caller's org's definitions; its scorecards re-score at once",
    description:
      "An admin's version applies to the admin's org only; other orgs keep theirs. A platform token's is a default for every org without a version of its own. Changes to scorecards take effect live. Changed indicators or orgs are refused (409): they need a replay.",
  })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: DEFINITIONS_DOCUMENT })
  @ApiResponse({ status: 201, schema: PUBLISHED })
  @ApiResponse({
    status: 400,
    description: 'invalid definitions: the errors and warnings',
    schema: CHECKED_DEFINITIONS,
  })
  @ApiResponse({ status: 403, description: 'not an admin or the platform', schema: ERROR })
  @ApiResponse({ status: 409, description: 'changed indicators or orgs: they need a replay', schema: ERROR })
  @Roles(['admin', 'platform'])
  async publish(
    @Req() req: Request,
    @Body() body: unknown,
    @CurrentPrincipal() user: Principal,
    @Headers('x-kpi-note') note: string | undefined,
  ): Promise<{ version: number; scorecards: { id: string; version: number }[] }> {
    const { loaded, issues, source } = parse(req, body);
    const checked = split(issues);
    if (checked.errors.length > 0) throw new BadRequestException({ message: 'invalid definitions', ...checked });
    const refusal = this.registry.check(loaded.set);
    if (refusal !== undefined) throw new ConflictException(refusal);
    const scorecards = loaded.set.scorecards.map((s) => ({ id: s.id, version: s.version }));
    const orgId = whose(user);
    const entry = await this.versions.add({
      orgId,
      publishedBy: user.subject,
      source,
      summary: { scorecards },
      announce: this.published.kind === 'outbox',
      ...(note === undefined ? {} : { note }),
    });
    this.registry.publish({ version: entry.version, orgId, set: loaded.set });
    if (this.published.kind === 'send') await this.published.send({ version: entry.version, orgId });
    return { version: entry.version, scorecards };
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "What-if: the caller's org's stored indicator values re-scored under a draft beside the published definitions",
    description:
      "Re-scores the indicator values the pipeline stored for the org (never its events: the event log's retention does not limit it) under the published scorecards and under the draft's: each scorecard's current period as of now, over every entity with a stored value, and the periods before it (the previous one; with `days`, every one ending in the last `days`) as closed, from the values their frozen cards read when the period was closed, else from the stored values of the period. Answers per scorecard, period and entity the totals, grades and red lines before and after, with the biggest movers. The answer streams as NDJSON: progress lines (entities scored), then one line with the preview (or an error). The draft may change scorecards only, as a publish may (409 otherwise). One preview per org at a time (429).",
  })
  @ApiConsumes('application/yaml', 'application/json')
  @ApiBody({ schema: DEFINITIONS_DOCUMENT })
  @ApiQuery({
    name: 'days',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PREVIEW_DAYS },
    description:
      "also preview every closed period ending in the last `days` days (default: each scorecard's current period and the previous one)",
  })
  @ApiResponse({
    status: 200,
    description: 'NDJSON, one object a line: { progress } lines, then { preview } or { error }',
    content: { 'application/x-ndjson': { schema: PREVIEW_LINE } },
  })
  @ApiResponse({ status: 400, description: 'invalid definitions or days', schema: CHECKED_DEFINITIONS })
  @ApiResponse({ status: 403, description: 'not an admin', schema: ERROR })
  @ApiResponse({
    status: 409,
    description: 'changed indicators or orgs',
    schema: ERROR,
  })
  @ApiResponse({ status: 429, description: 'a preview of the org, or too many previews, under way', schema: ERROR })
  @Roles(['admin'])
  async preview(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: unknown,
    @CurrentPrincipal() user: Principal,
    @Query('days') daysParam: string | undefined,
  ): Promise<void> {
    const days = daysParam === undefined ? undefined : Number(daysParam);
    if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= MAX_PREVIEW_DAYS)) {
      throw new BadRequestException(
        `days: expected a whole number of days from 1 to ${MAX_PREVIEW_DAYS}, got "${daysParam}"`,
      );
    }
    const { loaded, issues } = parse(req, body);
    const checked = split(issues);
    if (checked.errors.length > 0) throw new BadRequestException({ message: 'invalid definitions', ...checked });
    const refusal = this.registry.check(loaded.set);
    if (refusal !== undefined) throw new ConflictException(refusal);
    const orgId = user.orgId;
    const release = this.previews.enter(orgId);
    try {
      await streamPreview(res, {
        orgId,
        published: this.registry.forOrg(orgId),
        draft: loaded.set,
        asOfMs: this.clock.now(),
        ...(days === undefined ? {} : { days }),
        store: this.previewStore,
      });
    } finally {
      release();
    }
  }

  @Get('current')
  @ApiOperation({
    summary: "Export: the KPI-as-code text of the published version in force for the caller's org",
    description:
      "The org's newest version, else the newest platform default (platformDefault: true); for a platform token, the newest platform default.",
  })
  @ApiResponse({ status: 200, schema: CURRENT_DEFINITIONS })
  @ApiResponse({ status: 403, description: 'not an admin or the platform', schema: ERROR })
  @ApiResponse({ status: 404, description: 'no version published yet', schema: ERROR })
  @Roles(['admin', 'platform'])
  async current(
    @CurrentPrincipal() user: Principal,
  ): Promise<{ version: number; platformDefault: boolean; source: string }> {
    const orgId = whose(user);
    const latest = (await this.versions.latest(orgId)) ?? (await this.versions.latest(null));
    if (latest === undefined || this.registry.versionOf(orgId) === 0) {
      throw new NotFoundException(
        'no version published yet: the definitions in force are the files the pipeline started with',
      );
    }
    return { version: latest.version, platformDefault: latest.orgId === null, source: latest.source };
  }

  @Get()
  @ApiOperation({
    summary: "The version in force for the caller's org and its audit trail, with the platform defaults (marked)",
    description: 'For a platform token: the platform defaults alone.',
  })
  @ApiResponse({ status: 200, schema: DEFINITIONS_HISTORY })
  @ApiResponse({ status: 403, description: 'not an admin or the platform', schema: ERROR })
  @Roles(['admin', 'platform'])
  async history(@CurrentPrincipal() user: Principal): Promise<{ current: number; versions: Listed[] }> {
    const orgId = whose(user);
    const versions = await this.versions.history(orgId);
    return {
      current: this.registry.versionOf(orgId),
      versions: versions.map((v) => ({ ...v, platformDefault: v.orgId === null })),
    };
  }
}

function parse(
  req: Request,
  body: unknown,
): { loaded: ReturnType<typeof combineDefinitions>; issues: DefinitionIssue[]; source: string } {
  const isText = typeof body === 'string';
  const doc = isText
    ? parseDefinitionSource(body, req.is('application/json') !== false ? 'published.json' : 'published.yaml')
    : parseDefinitionDocument(body, 'published.json');
  const loaded = combineDefinitions([doc]);
  return { loaded, issues: loaded.issues, source: isText ? body : JSON.stringify(body, null, 2) };
}

function split(issues: readonly DefinitionIssue[]): Checked {
  return {
    errors: issues.filter((i) => i.severity === 'error').map(formatIssue),
    warnings: issues.filter((i) => i.severity === 'warning').map(formatIssue),
  };
}
