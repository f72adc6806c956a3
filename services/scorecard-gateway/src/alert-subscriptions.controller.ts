import {
  Body,
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
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { checkScope, isObject, parseRoutingFields } from '#libs/alerting';
import { parseChannel, publicChannel, type PublicChannel } from '#libs/notify';
import type { RosterCache } from '#libs/pipeline';
import type { AlertSubscriptionsRepository, StoredSubscription } from '#libs/postgres';
import { ALERT_SUBSCRIPTIONS, ROSTER_CACHE } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR, isRowId } from '#runtime/http-api';
import { checkedInput, ownerOf, teamsOf } from './alert-access';
import { BAD_ALERT_INPUT, SUBSCRIPTION, SUBSCRIPTION_IN, SUBSCRIPTION_PATCH } from './alert-schemas';

type SubscriptionView = Omit<StoredSubscription, 'channel' | 'owner' | 'createdAt' | 'updatedAt'> & {
  owner: { subject: string; role: string };
  channel: PublicChannel;
  createdAt: string;
  updatedAt: string;
};

function view(s: StoredSubscription): SubscriptionView {
  return {
    ...s,
    owner: { subject: s.owner.subject, role: s.owner.role },
    channel: publicChannel(s.channel),
    createdAt: new Date(s.createdAt).toISOString(),
    updatedAt: new Date(s.updatedAt).toISOString(),
  };
}

// Alert subscriptions (docs/alerts.md): what to be told, where, in which language, grouped how. An agent
// subscribes to their own alerts, a manager to their teams', an admin to anything in the org; each sees
// and changes their own (an admin every one of the org). Secrets go in, never out.
@ApiTags('alerts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({
  status: 403,
  description: 'not an admin, manager or agent; or beyond their scope',
  schema: BAD_ALERT_INPUT,
})
@UseGuards(AuthGuard)
@Roles(['admin', 'manager', 'agent'])
@Controller('v1/alert-subscriptions')
export class AlertSubscriptionsController {
  constructor(
    @Inject(ALERT_SUBSCRIPTIONS) private readonly store: AlertSubscriptionsRepository,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe to alerts: matchers, a channel, a language, grouping and quiet hours' })
  @ApiBody({ schema: SUBSCRIPTION_IN })
  @ApiResponse({ status: 201, schema: SUBSCRIPTION })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_ALERT_INPUT })
  async create(@Body() body: unknown, @CurrentPrincipal() user: Principal): Promise<SubscriptionView> {
    const owner = ownerOf(user);
    const teamOf = await teamsOf(this.rosters, user.orgId);
    const { fields, channel } = checkedInput(() => {
      const fields = parseRoutingFields(body);
      const channel = parseChannel(isObject(body) ? body.channel : undefined);
      checkScope(owner, fields.matchers, teamOf);
      return { fields, channel };
    });
    return view(await this.store.create(user.orgId, owner, { ...fields, channel }));
  }

  @Get()
  @ApiOperation({ summary: "The caller's subscriptions (an admin: the org's)" })
  @ApiResponse({ status: 200, schema: { type: 'array', items: SUBSCRIPTION } })
  async list(@CurrentPrincipal() user: Principal): Promise<SubscriptionView[]> {
    const owner = ownerOf(user);
    return (await this.store.list(user.orgId, owner.role === 'admin' ? undefined : owner.subject)).map(view);
  }

  @Get(':id')
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'One subscription' })
  @ApiResponse({ status: 200, schema: SUBSCRIPTION })
  @ApiResponse({ status: 404, description: 'none of the caller’s', schema: ERROR })
  async one(@Param('id') id: string, @CurrentPrincipal() user: Principal): Promise<SubscriptionView> {
    return view(await this.mine(id, user));
  }

  @Patch(':id')
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Change a subscription: the fields given' })
  @ApiBody({ schema: SUBSCRIPTION_PATCH })
  @ApiResponse({ status: 200, schema: SUBSCRIPTION })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_ALERT_INPUT })
  @ApiResponse({ status: 404, description: 'none of the caller’s', schema: ERROR })
  async update(
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentPrincipal() user: Principal,
  ): Promise<SubscriptionView> {
    const stored = await this.mine(id, user);
    const owner = ownerOf(user);
    const teamOf = await teamsOf(this.rosters, user.orgId);
    const changed = checkedInput(() => {
      const fields = parseRoutingFields(body, stored);
      const given = isObject(body) ? body.channel : undefined;
      const channel = given === undefined ? stored.channel : parseChannel(given);
      // the subscription's own owner bounds what it receives; the caller may not widen it past theirs
      checkScope(owner.role === 'admin' ? stored.owner : owner, fields.matchers, teamOf);
      return { ...fields, channel };
    });
    const updated = await this.store.update(user.orgId, id, changed);
    if (updated === null) throw new NotFoundException(`id: no subscription ${id}`);
    return view(updated);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Unsubscribe (its pending deliveries go with it)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'none of the caller’s', schema: ERROR })
  async remove(@Param('id') id: string, @CurrentPrincipal() user: Principal): Promise<void> {
    await this.mine(id, user);
    if (!(await this.store.remove(user.orgId, id))) throw new NotFoundException(`id: no subscription ${id}`);
  }

  // the caller's own (an admin: any of the org); another's is not found, not forbidden: nothing leaks
  private async mine(id: string, user: Principal): Promise<StoredSubscription> {
    const owner = ownerOf(user);
    const found = isRowId(id) ? await this.store.get(user.orgId, id) : null;
    if (found === null || (owner.role !== 'admin' && found.owner.subject !== owner.subject))
      throw new NotFoundException(`id: no subscription ${id}`);
    return found;
  }
}
