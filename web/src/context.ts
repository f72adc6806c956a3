import type { LiveClient } from './live';
import type { CardStore, PeriodCache, PreviousCards, Trends } from './store';
import type { Me, Period, ScoredCard } from './types';

export interface Crumb {
  label: string;
  href?: string;
}

export interface Heading {
  title: string;
  subtitle: string;
  crumbs: Crumb[];
}

// what a view may use: the signed-in user, the live cards, the period's cards, the trends
export interface Ctx {
  readonly me: Me;
  readonly store: CardStore;
  readonly trends: Trends;
  readonly periods: PeriodCache;
  readonly previous: PreviousCards; // the period before each shown card's
  readonly live: LiveClient;
  period(): Period;
  // the cards to show for an entity in the chosen period; undefined while they load
  cardsFor(entity: string): ScoredCard[] | undefined;
  follow(room: string): void;
  canSeeOrg(org: string): boolean;
  canSeeAgents(org: string, team: string): boolean;
  // the alerts drawer, at the firing alert of this KPI of the entity's scorecard (a red-line tile's)
  openAlert(entity: string, scorecard: string, kpi: string): void;
}

export interface View {
  readonly el: HTMLElement;
  heading(): Heading;
  update(): void;
  destroy?(): void;
}
