import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Put,
  Query,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { Principal } from '#libs/access';
import type { ReviewSubscriber, StoredPack } from '#libs/postgres';
import { parseWeekLabel, resultRows, ReviewInputError, toCsv, toXlsx, type ReviewWeek } from '#libs/review';
import { AccessService } from '#runtime/access.service';
import { AuthGuard, CurrentPrincipal } from '#runtime/auth.guard';
import { ERROR } from '#runtime/http-api';
import { PdfUnavailable } from './pdf-renderer';
import { assertMayRead, assertMayWrite, reviewInput, teamParam } from './review-access';
import { ReviewPackService, type Delivery } from './review-pack.service';
import { BAD_REVIEW_INPUT, DELIVERIES, PACK_WEEKS, STORED_PACK, SUBSCRIBER } from './review-schemas';

const MAX_WEEKS = 104;
const FILE = { type: 'string', format: 'binary' };
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface WeekParams {
  team: string;
  week: string;
}
const EMAIL = /^[^\s@<>(),;:"]{1,64}@[^\s@<>(),;:"]{1,255}$/;

const languageOf = (lang: unknown): 'zh' | 'en' =>
  reviewInput(() => {
    if (lang === undefined || lang === 'zh') return 'zh';
    if (lang === 'en') return 'en';
    throw new ReviewInputError('lang', 'invalid_value', 'must be zh or en');
  });

// The weekly review packs of a team (docs/review-and-close.md): the weeks made, a week's pack (made on
// demand by POST), its PDF, the results for HR as CSV or XLSX, and who gets it by email. The org is the
// caller's; readers are those who may read the team's scorecard, writers its managers and the org's admins.
@ApiTags('review')
@ApiBearerAuth()
@ApiResponse({ status: 401, description: 'no token, or one expired, revoked or forged', schema: ERROR })
@ApiResponse({ status: 403, description: 'the team is not in the caller’s scope', schema: ERROR })
@UseGuards(AuthGuard)
@Controller('v1/review-packs')
export class ReviewPacksController {
  constructor(
    @Inject(ReviewPackService) private readonly review: ReviewPackService,
    @Inject(AccessService) private readonly access: AccessService,
  ) {}

  @Get(':team')
  @ApiParam({ name: 'team' })
  @ApiOperation({ summary: 'The weeks a team has packs for, newest first, and the last week ended' })
  @ApiResponse({ status: 200, schema: PACK_WEEKS })
  async weeks(@Param('team') team: string, @CurrentPrincipal() p: Principal) {
    const teamId = teamParam(team);
    await assertMayRead(this.access, p, teamId);
    return {
      lastWeek: this.review.lastWeek(p.orgId).label,
      weeks: await this.review.packs.weeks(p.orgId, teamId, MAX_WEEKS),
    };
  }

  @Get(':team/subscribers')
  @ApiParam({ name: 'team' })
  @ApiOperation({ summary: 'Who receives the team’s weekly pack by email' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: SUBSCRIBER } })
  async subscribers(@Param('team') team: string, @CurrentPrincipal() p: Principal): Promise<ReviewSubscriber[]> {
    const teamId = teamParam(team);
    assertMayWrite(p, teamId);
    return this.review.packs.subscribers(p.orgId, teamId);
  }

  @Put(':team/subscribers')
  @ApiParam({ name: 'team' })
  @ApiOperation({ summary: 'Send the team’s weekly pack (with its PDF) to an address, in a language' })
  @ApiBody({ schema: SUBSCRIBER })
  @ApiResponse({ status: 200, schema: SUBSCRIBER })
  @ApiResponse({ status: 400, description: 'a bad field, named', schema: BAD_REVIEW_INPUT })
  async subscribe(
    @Param('team') team: string,
    @Body() body: unknown,
    @CurrentPrincipal() p: Principal,
  ): Promise<ReviewSubscriber> {
    const teamId = teamParam(team);
    assertMayWrite(p, teamId);
    const subscriber = reviewInput((): ReviewSubscriber => {
      if (typeof body !== 'object' || body === null)
        throw new ReviewInputError('body', 'invalid_type', 'must be a JSON object');
      const { email, language, ...rest } = body as Record<string, unknown>;
      const unknown = Object.keys(rest)[0];
      if (unknown !== undefined) throw new ReviewInputError(unknown, 'unknown_field', 'is not a field of a subscriber');
      if (typeof email !== 'string' || !EMAIL.test(email))
        throw new ReviewInputError('email', 'invalid_value', 'must be an email address');
      return { teamId, email, language: language === undefined ? 'zh' : languageOf(language) };
    });
    await this.review.packs.subscribe(p.orgId, subscriber, p.subject);
    return subscriber;
  }

  @Delete(':team/subscribers/:email')
  @HttpCode(204)
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'email' })
  @ApiOperation({ summary: 'Stop sending the team’s pack to an address' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, description: 'not a subscriber', schema: ERROR })
  async unsubscribe(
    @Param('team') team: string,
    @Param('email') email: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<void> {
    const teamId = teamParam(team);
    assertMayWrite(p, teamId);
    if (!(await this.review.packs.unsubscribe(p.orgId, teamId, email)))
      throw new NotFoundException(`email: ${email} is not a subscriber`);
  }

  @Get(':team/:week')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week', example: '2026-W48' })
  @ApiOperation({ summary: 'A week’s pack as last made (POST makes it)' })
  @ApiResponse({ status: 200, schema: STORED_PACK })
  @ApiResponse({ status: 404, description: 'not made yet', schema: ERROR })
  async pack(
    @Param('team') team: string,
    @Param('week') week: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<StoredPack> {
    return this.stored(p, team, week);
  }

  @Post(':team/:week')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week', example: '2026-W48' })
  @ApiOperation({ summary: 'Make (or make again) a week’s pack now; a closed week made again has the same dataHash' })
  @ApiResponse({ status: 201, schema: STORED_PACK })
  @ApiResponse({ status: 400, description: 'a week that is no ISO week or has not begun', schema: BAD_REVIEW_INPUT })
  async generate(
    @Param('team') team: string,
    @Param('week') week: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<StoredPack> {
    const teamId = teamParam(team);
    assertMayWrite(p, teamId);
    return this.review.generate(p.orgId, teamId, this.week(p, week));
  }

  @Post(':team/:week/deliveries')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week' })
  @ApiOperation({ summary: 'Mail the week’s pack with its PDF to the team’s subscribers now' })
  @ApiResponse({ status: 201, schema: DELIVERIES })
  async deliver(
    @Param('team') team: string,
    @Param('week') week: string,
    @CurrentPrincipal() p: Principal,
  ): Promise<Delivery[]> {
    assertMayWrite(p, teamParam(team));
    return this.review.deliver(await this.stored(p, team, week));
  }

  @Get(':team/:week/pdf')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'] })
  @ApiProduces('application/pdf')
  @ApiOperation({ summary: 'The pack as a PDF (A4), printed by Chromium from the review page' })
  @ApiResponse({ status: 200, description: 'the PDF', schema: FILE })
  @ApiResponse({ status: 503, description: 'no Chromium on this server (KPI_PULSE_CHROMIUM)', schema: ERROR })
  async pdf(
    @Param() at: WeekParams,
    @Query('lang') lang: unknown,
    @CurrentPrincipal() p: Principal,
    @Res() res: Response,
  ) {
    await this.send(res, p, at, languageOf(lang), 'pdf');
  }

  @Get(':team/:week/results.csv')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'] })
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The week’s results for HR as CSV (UTF-8 with BOM, RFC 4180)' })
  @ApiResponse({ status: 200, description: 'the CSV', schema: FILE })
  async csv(
    @Param() at: WeekParams,
    @Query('lang') lang: unknown,
    @CurrentPrincipal() p: Principal,
    @Res() res: Response,
  ) {
    await this.send(res, p, at, languageOf(lang), 'csv');
  }

  @Get(':team/:week/results.xlsx')
  @ApiParam({ name: 'team' })
  @ApiParam({ name: 'week' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'] })
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The week’s results for HR as an XLSX workbook' })
  @ApiResponse({ status: 200, description: 'the workbook', schema: FILE })
  async xlsx(
    @Param() at: WeekParams,
    @Query('lang') lang: unknown,
    @CurrentPrincipal() p: Principal,
    @Res() res: Response,
  ) {
    await this.send(res, p, at, languageOf(lang), 'xlsx');
  }

  // a week's pack as a file to download: the PDF, or the results for HR
  private async send(res: Response, p: Principal, at: WeekParams, language: 'zh' | 'en', kind: 'pdf' | 'csv' | 'xlsx') {
    const stored = await this.stored(p, at.team, at.week);
    const { pack } = stored;
    let body: Buffer | string;
    let type: string;
    if (kind === 'pdf') {
      try {
        body = await this.review.pdf.render(stored, language);
      } catch (err) {
        if (err instanceof PdfUnavailable) throw new ServiceUnavailableException(`pdf: ${err.message}`);
        throw err;
      }
      type = 'application/pdf';
    } else if (kind === 'csv') {
      body = `\ufeff${toCsv(resultRows(pack, language))}`; // the BOM lets Excel read the Chinese as UTF-8
      type = 'text/csv; charset=utf-8';
    } else {
      body = toXlsx(`${pack.week.label} ${pack.team.teamId}`, resultRows(pack, language));
      type = XLSX;
    }
    const name = `${kind === 'pdf' ? 'review' : 'results'}-${encodeURIComponent(pack.team.teamId)}-${pack.week.label}.${kind}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.type(type).send(body);
  }

  private week(p: Principal, label: string): ReviewWeek {
    return reviewInput(() => {
      const week = parseWeekLabel(this.review.timeZoneOf(p.orgId), label);
      if (week === undefined) throw new ReviewInputError('week', 'invalid_value', 'must be an ISO week, like 2026-W48');
      if (week.start > this.review.currentWeek(p.orgId).start)
        throw new ReviewInputError('week', 'invalid_value', `${label} has not begun`);
      return week;
    });
  }

  private async stored(p: Principal, team: string, label: string): Promise<StoredPack> {
    const teamId = teamParam(team);
    await assertMayRead(this.access, p, teamId);
    const week = this.week(p, label);
    const found = await this.review.packs.pack(p.orgId, teamId, week.label);
    if (found === null) throw new NotFoundException(`week: no pack of team ${teamId} for ${week.label} yet`);
    return found;
  }
}
