import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { errorMessage, zoneOf, type DefinitionsRegistry, type RosterCache } from '#libs/pipeline';
import {
  PostgresEventLog,
  PostgresPeriodResults,
  ReviewDealsRepository,
  ReviewPacksRepository,
  type StoredPack,
} from '#libs/postgres';
import {
  DealFollower,
  latestRunAt,
  makeReviewPack,
  previousWeek,
  renderPackEmail,
  weekOfInstant,
  type ReviewWeek,
} from '#libs/review';
import type { RuntimeConfig } from '#runtime/config';
import type { Database } from '#runtime/database';
import { SmtpSender } from '#runtime/smtp-sender';
import { CLOCK, CONFIG, DATABASE, REGISTRY, ROSTER_CACHE, type Clock } from '#runtime/tokens';
import { builtWebApp } from '#runtime/web-app';
import { PackPdfRenderer } from './pdf-renderer';
import { reviewPackConfig, type ReviewPackConfig } from './review-pack.config';

export interface Delivery {
  to: string;
  error: string | null;
}

// The weekly review packs of the org's teams: made on demand and, at the schedule's moment in each org's
// time zone, for the week just ended; each scheduled pack is mailed with its PDF to the team's
// subscribers. The deal follower keeps the deals the funnel's stalled list is read from.
@Injectable()
export class ReviewPackService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('review-pack');
  readonly settings: ReviewPackConfig;
  readonly packs: ReviewPacksRepository;
  readonly pdf: PackPdfRenderer;
  private readonly results: PostgresPeriodResults;
  private readonly deals: ReviewDealsRepository;
  private readonly follower: DealFollower;
  private readonly smtp: SmtpSender | null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private passing: Promise<void> | null = null;

  constructor(
    @Inject(DATABASE) database: Database,
    @Inject(CONFIG) private readonly config: RuntimeConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(REGISTRY) private readonly registry: DefinitionsRegistry,
    @Inject(ROSTER_CACHE) private readonly rosters: RosterCache,
  ) {
    this.settings = reviewPackConfig();
    this.packs = new ReviewPacksRepository(database.db);
    this.results = new PostgresPeriodResults(database.db);
    this.deals = new ReviewDealsRepository(database.db);
    this.follower = new DealFollower(new PostgresEventLog(database.db), this.deals);
    this.pdf = new PackPdfRenderer(this.settings.chromium, builtWebApp());
    this.smtp = config.alerts.smtp === null ? null : new SmtpSender(config.alerts.smtp);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.pass(), this.settings.pollMs);
    void this.pass();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.passing;
    this.smtp?.close();
  }

  timeZoneOf(orgId: string): string {
    return zoneOf(this.registry.forOrg(orgId), orgId);
  }

  // the week holding `instant` on the org's calendar
  weekAt(orgId: string, instant: number): ReviewWeek {
    return weekOfInstant(this.timeZoneOf(orgId), instant);
  }

  now(): number {
    return this.clock.now();
  }

  currentWeek(orgId: string): ReviewWeek {
    return this.weekAt(orgId, this.clock.now());
  }

  // the last week that has ended: what a pack is made of by default
  lastWeek(orgId: string): ReviewWeek {
    return previousWeek(this.currentWeek(orgId));
  }

  async generate(orgId: string, teamId: string, week: ReviewWeek): Promise<StoredPack> {
    await this.follower.catchUp();
    const { teamOf } = await this.rosters.of(orgId, 0);
    const agents = [...teamOf].filter(([, team]) => team === teamId).map(([agent]) => agent);
    const pack = await makeReviewPack(
      { results: this.results, deals: this.deals, actionItems: this.packs },
      { orgId, teamId },
      agents,
      week,
      this.settings.stalledDays,
    );
    return this.packs.savePack(orgId, pack, this.clock.now());
  }

  // mails the pack with its PDF (one per language asked) to the team's subscribers
  async deliver(stored: StoredPack): Promise<Delivery[]> {
    const { pack } = stored;
    const subscribers = await this.packs.subscribers(pack.team.orgId, pack.team.teamId);
    if (subscribers.length === 0) return [];
    if (this.smtp === null)
      return subscribers.map((s) => ({ to: s.email, error: 'no SMTP server is configured (SMTP_URL)' }));
    const link = `${this.config.alerts.publicUrl}/#/review/${encodeURIComponent(pack.team.orgId)}/${encodeURIComponent(pack.team.teamId)}/${pack.week.label}`;
    const pdfs = new Map<'zh' | 'en', Buffer>();
    const out: Delivery[] = [];
    for (const s of subscribers) {
      try {
        let pdf = pdfs.get(s.language);
        if (pdf === undefined) pdfs.set(s.language, (pdf = await this.pdf.render(stored, s.language)));
        const mail = renderPackEmail(pack, s.language, link, s.email);
        await this.smtp.send(
          [s.email],
          { kind: 'email', key: mail.key, subject: mail.subject, text: mail.text, html: mail.html },
          [{ filename: mail.filename, contentType: 'application/pdf', content: pdf }],
        );
        out.push({ to: s.email, error: null });
      } catch (err) {
        out.push({ to: s.email, error: errorMessage(err) });
      }
    }
    return out;
  }

  // one pass at a time: the deal follower, then every org's scheduled packs that are due and not yet sent
  pass(): Promise<void> {
    this.passing ??= (async () => {
      try {
        await this.follower.catchUp();
        await this.scheduled();
      } catch (err) {
        this.logger.error(`review pack pass failed: ${errorMessage(err)}`);
      } finally {
        this.passing = null;
      }
    })();
    return this.passing;
  }

  private async scheduled(): Promise<void> {
    const { schedule } = this.settings;
    if (schedule === null) return;
    const now = this.clock.now();
    for (const orgId of await this.packs.orgsWithTeamCards()) {
      const zone = this.timeZoneOf(orgId);
      // the week that ended before the latest scheduled moment
      const week = previousWeek(weekOfInstant(zone, latestRunAt(zone, schedule, now)));
      for (const teamId of await this.packs.undelivered(orgId, week.label)) {
        const stored = await this.generate(orgId, teamId, week);
        const sent = await this.deliver(stored);
        // once a week: a failed mail is logged, not retried every pass (POST …/deliveries sends it again)
        await this.packs.markDelivered(orgId, teamId, week.label, this.clock.now());
        for (const d of sent.filter((x) => x.error !== null))
          this.logger.warn(`review pack ${teamId} ${week.label} → ${d.to}: ${d.error}`);
        this.logger.log(
          `review pack ${orgId}/${teamId} ${week.label}: made, mailed to ${sent.filter((x) => x.error === null).length}`,
        );
      }
    }
  }
}
