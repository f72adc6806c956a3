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
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import type { Request } from 'express';
import {
  combineDefinitions,
  formatIssue,
  parseDefinitionDocument,
  parseDefinitionSource,
  type DefinitionIssue,
} from '#libs/definitions';
import type { DefinitionsRegistry, Outlet, Transport } from '#libs/pipeline';
import type { DefinitionVersionsRepository } from '#libs/postgres';
import { DEFINITION_VERSIONS, REGISTRY, TRANSPORT } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from './auth.guard';

interface Checked {
  errors: string[];
  warnings: string[];
}

// KPI-as-code over HTTP: validate, publish a new version (scorecards re-score live; admins only), read
// the history.
@ApiTags('definitions')
@ApiBearerAuth()
@UseGuards(AuthGuard)
@Controller('v1/definitions')
export class DefinitionsController {
  constructor(
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(DEFINITION_VERSIONS) private readonly versions: DefinitionVersionsRepository,
    @Inject(TRANSPORT) transport: Transport,
  ) {
    this.published = transport.outlet('definitions');
  }

  private readonly published: Outlet<{ version: number }>;

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Validate KPI definitions (one YAML or JSON document): errors and SMART-lint warnings' })
  @ApiConsumes('application/yaml', 'application/json')
  validate(@Req() req: Request, @Body() body: unknown): Checked {
    return split(parse(req, body).issues);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publish a new version of the definitions; the scorecards re-score at once',
    description:
      'Changes to scorecards take effect live. Changed indicators or orgs are refused (409): they need a replay.',
  })
  @ApiConsumes('application/yaml', 'application/json')
  @Roles(['admin'])
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
    const entry = await this.versions.add({
      publishedBy: user.subject,
      source,
      summary: { scorecards },
      announce: this.published.kind === 'outbox',
      ...(note === undefined ? {} : { note }),
    });
    this.registry.publish(loaded.set, entry.version);
    if (this.published.kind === 'send') await this.published.send({ version: entry.version });
    return { version: entry.version, scorecards };
  }

  @Get('current')
  @ApiOperation({ summary: 'Export: the KPI-as-code text of the published version in force' })
  async current(): Promise<{ version: number; source: string }> {
    const latest = await this.versions.latest();
    if (latest === undefined || this.registry.version === 0) {
      throw new NotFoundException(
        'no version published yet: the definitions in force are the files the pipeline started with',
      );
    }
    return { version: latest.version, source: latest.source };
  }

  @Get()
  @ApiOperation({ summary: 'The version in force and the audit trail of published versions' })
  async history(): Promise<{
    current: number;
    versions: Awaited<ReturnType<DefinitionVersionsRepository['history']>>;
  }> {
    return { current: this.registry.version, versions: await this.versions.history() };
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
