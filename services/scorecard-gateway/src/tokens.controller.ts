import { BadRequestException, Controller, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#libs/access';
import type { Revocation, RevokedTokensRepository } from '#libs/postgres';
import { REVOKED_TOKENS } from '#runtime/tokens';
import { AuthGuard, CurrentPrincipal, Roles } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import { REVOCATION } from './openapi-schemas';
import { ScorecardGateway } from './scorecard.gateway';

// Revoking a token (a lost wall screen's display token, a leaked link) by its jti: for the admins of
// its org. From then on it is refused over REST and on the socket (sockets holding it are closed).
@ApiTags('tokens')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1/tokens')
export class TokensController {
  constructor(
    @Inject(REVOKED_TOKENS) private readonly revoked: RevokedTokensRepository,
    @Inject(ScorecardGateway) private readonly gateway: ScorecardGateway,
  ) {}

  @Post(':jti/revoke')
  @HttpCode(200)
  @Roles(['admin'])
  @ApiOperation({
    summary: "Revoke a token of the admin's org by its jti (idempotent: a second call answers the first revocation)",
    description:
      "`kpi-pulse token` prints the jti of each token it mints. The revocation holds for tokens of the caller's org only.",
  })
  @ApiParam({ name: 'jti', description: "the token's jti claim" })
  @ApiResponse({ status: 200, schema: REVOCATION })
  @ApiResponse({ status: 403, description: 'not an admin', schema: ERROR })
  async revoke(@CurrentPrincipal() admin: Principal, @Param('jti') jti: string): Promise<Revocation> {
    if (jti === '' || jti.length > 200)
      throw new BadRequestException('jti: expected a token id of 1 to 200 characters');
    const revocation = await this.revoked.revoke(admin.orgId, jti, admin.subject);
    this.gateway.signOutToken(admin.orgId, jti);
    return revocation;
  }
}
