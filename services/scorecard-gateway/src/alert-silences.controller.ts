import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { AlertInputError, checkScope, parseSilence, type Silence } from '#libs/alerting';
import type { AlertNews, Outlet, RosterCache, Transport } from '#libs/pipeline';
import { silenceNews, type AlertSubscriptionsRepository } from '#libs/postgres';
import { ALERT_SUBSCRIPTIONS, ROSTER_CACHE, TRANSPORT } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR, isRowId } from '#runtime/http-api';
import { checkedInput, ownerOf, teamsOf } from './alert-access';
import { BAD_ALERT_INPUT, SILENCE, SILENCE_IN } from './alert-schemas';

interface SilenceView {
  id: string;
  orgId: string;
  matchers: Silence['matchers'];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const view = (s: Silence & { createdAt: number }): SilenceView => ({
  id: s.id,
  orgId: s.orgId,
  matchers: s.matchers,
  startsAt: iso(s.startsAt),
  endsAt: iso(s.endsAt),
  createdBy: s.createdBy,
  comment: s.comment,
  createdAt: iso(s.createdAt),
});

// Silences (docs/alerts.md): alerts matching one are not sent to any subscription of the org while it
// lasts. An admin silences anything in the org, a manager their teams' alerts; who and why are kept.
@ApiTags('alerts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'not an admin or manager; or beyond their teams', schema: BAD_ALERT_INPUT })
@UseGuards(AuthGuard)
@Roles(['admin', 'manager'])
@Controller('v1/alert-silences')
export class AlertSilencesController {
  private readonly news: Outlet<AlertNews>;
  private readonly logger = new Logger('alert-silences');

  constructor(
    @Inject(ALERT_SUBSCRIPTIONS) private readonly store: AlertSubscriptionsRepository,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
    @Inject(TRANSPORT) transport: Transport,
  ) {
    this.news = transport.outlet('alerts');
  }

  @Post()
  @ApiOperation({ summary: 'Silence the alerts the matchers select until endsAt, saying why' })
  @ApiBody({ schema: SILENCE_IN })
  @ApiResponse({ status: 201, schema: SILENCE })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_ALERT_INPUT })
  async create(@Body() body: unknown, @CurrentPrincipal() user: Principal): Promise<SilenceView> {
    const owner = ownerOf(user);
    const teamOf = await teamsOf(this.rosters, user.orgId);
    const fields = checkedInput(() => {
      const f = parseSilence(body, Date.now());
      checkScope(owner, f.matchers, teamOf);
      return f;
    });
    const created = await this.store.createSilence(
      { ...fields, orgId: user.orgId, createdBy: user.subject },
      this.news.kind === 'outbox',
    );
    await this.announce(silenceNews(created, false));
    return view(created);
  }

  @Get()
  @ApiOperation({ summary: "The org's silences in force or to come (with expired=true, the ended ones too)" })
  @ApiQuery({ name: 'expired', required: false, enum: ['true', 'false'] })
  @ApiResponse({ status: 200, schema: { type: 'array', items: SILENCE } })
  @ApiResponse({ status: 400, description: 'expired is not true or false', schema: BAD_ALERT_INPUT })
  async list(@Query('expired') expired: unknown, @CurrentPrincipal() user: Principal): Promise<SilenceView[]> {
    if (expired !== undefined && expired !== 'true' && expired !== 'false')
      checkedInput(() => {
        throw new AlertInputError('expired', 'invalid', 'expected true or false');
      });
    return (await this.store.silences(user.orgId, Date.now(), expired === 'true')).map(view);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Expire a silence now (it stays in the list of ended ones)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'no such silence in force', schema: ERROR })
  async expire(@Param('id') id: string, @CurrentPrincipal() user: Principal): Promise<void> {
    const owner = ownerOf(user);
    const silence = isRowId(id) ? await this.store.silence(user.orgId, id) : null;
    if (silence === null) throw new NotFoundException(`id: no silence ${id}`);
    // a manager ends their own silences and those within their teams
    if (owner.role !== 'admin' && silence.createdBy !== owner.subject) {
      const teamOf = await teamsOf(this.rosters, user.orgId);
      checkedInput(() => checkScope(owner, silence.matchers, teamOf));
    }
    if (!(await this.store.expireSilence(silence, Date.now(), this.news.kind === 'outbox')))
      throw new NotFoundException(`id: silence ${id} has already ended`);
    await this.announce(silenceNews(silence, true));
  }

  // stored first; a page that misses the push sees the silence on its next read
  private async announce(news: AlertNews): Promise<void> {
    if (this.news.kind === 'send')
      await this.news.send(news).catch((err: unknown) => {
        this.logger.warn(`announcing a silence: ${String(err)}`);
      });
  }
}
