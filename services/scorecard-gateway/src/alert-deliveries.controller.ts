import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import { AlertInputError } from '#libs/alerting';
import type { DeliveryOutbox, DeliveryStatus } from '#libs/pipeline';
import type { AlertSubscriptionsRepository, StoredDelivery } from '#libs/postgres';
import { ALERT_SUBSCRIPTIONS, DELIVERY_OUTBOX } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR, isRowId } from '#runtime/http-api';
import { checkedInput, ownerOf } from './alert-access';
import { BAD_ALERT_INPUT, DELIVERY } from './alert-schemas';

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed'];
const MAX_LIMIT = 500;

type DeliveryView = Omit<StoredDelivery, 'nextAttemptAt' | 'createdAt' | 'deliveredAt'> & {
  nextAttemptAt: string;
  createdAt: string;
  deliveredAt: string | null;
};

const iso = (ms: number) => new Date(ms).toISOString();
const view = (d: StoredDelivery): DeliveryView => ({
  ...d,
  nextAttemptAt: iso(d.nextAttemptAt),
  createdAt: iso(d.createdAt),
  deliveredAt: d.deliveredAt === null ? null : iso(d.deliveredAt),
});

// What became of the alert messages (docs/alerts.md "Retries and failure"): pending, delivered or failed
// with the last error (secrets replaced by ***); a failed one can be retried by hand. An admin sees the
// org's, a manager or agent those of their own subscriptions.
@ApiTags('alerts')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'not an admin, manager or agent', schema: ERROR })
@UseGuards(AuthGuard)
@Roles(['admin', 'manager', 'agent'])
@Controller('v1/alert-deliveries')
export class AlertDeliveriesController {
  constructor(
    @Inject(ALERT_SUBSCRIPTIONS) private readonly store: AlertSubscriptionsRepository,
    @Inject(DELIVERY_OUTBOX) private readonly outbox: DeliveryOutbox,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Deliveries, newest first' })
  @ApiQuery({ name: 'status', required: false, enum: [...STATUSES] })
  @ApiQuery({ name: 'after', required: false, description: 'only those with a greater id (to follow new ones)' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}, default 100` })
  @ApiResponse({ status: 200, schema: { type: 'array', items: DELIVERY } })
  @ApiResponse({ status: 400, description: 'a bad query parameter, named', schema: BAD_ALERT_INPUT })
  async list(
    @Query('status') status: unknown,
    @Query('after') after: unknown,
    @Query('limit') limit: unknown,
    @CurrentPrincipal() user: Principal,
  ): Promise<DeliveryView[]> {
    const filter = checkedInput(() => {
      if (status !== undefined && !(STATUSES as readonly unknown[]).includes(status))
        throw new AlertInputError('status', 'invalid', `expected one of ${STATUSES.join(', ')}`);
      if (after !== undefined && (typeof after !== 'string' || !isRowId(after)))
        throw new AlertInputError('after', 'invalid', 'expected a delivery id');
      const n = limit === undefined ? 100 : Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT)
        throw new AlertInputError('limit', 'out_of_range', `expected 1 to ${MAX_LIMIT}`);
      return { status: status as DeliveryStatus | undefined, afterId: after, limit: n };
    });
    const subscriptions = await this.visibleSubscriptions(user);
    return (await this.store.deliveries(user.orgId, { ...filter, ...subscriptions })).map(view);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'Send a failed delivery again: pending, due now, its tries counted from zero' })
  @ApiResponse({ status: 200, schema: DELIVERY })
  @ApiResponse({ status: 404, description: 'none the caller may see', schema: ERROR })
  @ApiResponse({ status: 409, description: 'the delivery is not failed', schema: ERROR })
  async retry(@Param('id') id: string, @CurrentPrincipal() user: Principal): Promise<DeliveryView> {
    const found = isRowId(id) ? await this.store.delivery(user.orgId, id) : null;
    const visible = await this.visibleSubscriptions(user);
    if (found === null || (visible.subscriptions !== undefined && !visible.subscriptions.includes(found.subscription)))
      throw new NotFoundException(`id: no delivery ${id}`);
    if (!(await this.outbox.requeue(id, Date.now())))
      throw new ConflictException(`status: delivery ${id} is ${found.status}, only a failed one is retried`);
    return view((await this.store.delivery(user.orgId, id)) ?? found);
  }

  // an admin: every subscription of the org (no filter); anyone else: their own
  private async visibleSubscriptions(user: Principal): Promise<{ subscriptions?: string[] }> {
    const owner = ownerOf(user);
    if (owner.role === 'admin') return {};
    return { subscriptions: (await this.store.list(user.orgId, owner.subject)).map((s) => s.id) };
  }
}
