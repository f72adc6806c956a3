import { flash, h, Keyed, setAttr, setHidden, setText } from '../dom';
import { formatTotal } from '../format';
import { scorecardName, t } from '../i18n';
import { cardStatus } from '../standing';
import type { PreviousCards } from '../store';
import type { ScoredCard } from '../types';
import { GradeBadge, RedLineCount, StatusPill } from './badges';
import { DeltaBadge, totalChange } from './delta';

export interface AgentRowData {
  agent: string; // agent id
  entity: string; // agent:O:A
  cards: ScoredCard[];
  you: boolean;
}

class ScoreCell {
  readonly el: HTMLTableCellElement;
  private readonly total = h('span', { class: 'cell-total num', 'data-testid': 'agent-total' });
  private readonly delta = new DeltaBadge('agent-total-delta');
  private readonly grade = new GradeBadge('sm', 'agent-grade');
  private readonly status = new StatusPill('agent-status');
  private readonly bar = h('span', { class: 'cell-bar-fill' });

  constructor(
    scorecard: string,
    private readonly previous: PreviousCards,
  ) {
    this.el = h(
      'td',
      { class: 'cell-score', 'data-scorecard': scorecard },
      h('div', { class: 'cell-score-row' }, this.total, this.delta.el, this.grade.el, this.status.el),
      h('span', { class: 'cell-bar' }, this.bar),
    );
  }

  update(card: ScoredCard | undefined): void {
    // the scorecard's name above the cell where the table is stacked (a phone)
    setAttr(this.el, 'data-name', card === undefined ? null : scorecardName(card));
    const total = card?.score.total ?? null;
    if (setText(this.total, formatTotal(total)) && this.el.isConnected) flash(this.total);
    this.delta.update(card === undefined ? null : totalChange(card, this.previous.of(card)));
    this.grade.update(card?.score.grade ?? null);
    // each card's chip beside its own grade, by the one rule (standing.ts)
    setHidden(this.status.el, card === undefined);
    if (card !== undefined) this.status.update(cardStatus(card));
    this.bar.style.width = `${Math.max(0, Math.min(100, total ?? 0))}%`;
  }
}

class AgentRow {
  readonly el: HTMLTableRowElement;
  private readonly name = h('span', { class: 'agent-name' });
  private readonly you = h('span', { class: 'you-chip' });
  private readonly cells = new Map<string, ScoreCell>();
  private readonly redLines = new RedLineCount('agent-redlines');

  constructor(
    data: AgentRowData,
    private readonly columns: readonly string[],
    open: (agent: AgentRowData) => void,
    previous: PreviousCards,
  ) {
    const cells = columns.map((scorecard) => {
      const cell = new ScoreCell(scorecard, previous);
      this.cells.set(scorecard, cell);
      return cell.el;
    });
    this.el = h(
      'tr',
      {
        'data-testid': 'agent-row',
        'data-agent': data.agent,
        tabindex: 0,
        onclick: () => open(data),
        onkeydown: (event: Event) => {
          if ((event as KeyboardEvent).key === 'Enter') open(data);
        },
      },
      h('th', { scope: 'row', class: 'cell-agent' }, this.name, this.you),
      ...cells,
      h('td', { class: 'cell-redlines' }, this.redLines.el),
    );
  }

  update(data: AgentRowData): void {
    setText(this.name, data.agent);
    setText(this.you, t('you'));
    setHidden(this.you, !data.you);
    this.el.classList.toggle('is-you', data.you);
    const byScorecard = new Map(data.cards.map((c) => [c.score.scorecard, c]));
    for (const scorecard of this.columns) this.cells.get(scorecard)?.update(byScorecard.get(scorecard));
    const redLines = data.cards.reduce((n, c) => n + c.score.redLines.length, 0);
    this.redLines.update(redLines);
    // a row without red lines leaves the cell empty rather than repeat "No red lines" on every row
    setHidden(this.redLines.el, redLines === 0);
    setAttr(this.el, 'data-redlines', String(redLines));
  }
}

// One row per agent: each agent scorecard's total and grade, the worst status and the red lines.
export class AgentsTable {
  readonly el: HTMLElement;
  private readonly title = h('h2', { class: 'section-title' });
  private readonly count = h('span', { class: 'section-count num' });
  private readonly head = h('thead');
  private readonly body = h('tbody');
  private readonly empty = h('p', { class: 'empty' });
  private columns: string[] = [];
  private rows: Keyed<AgentRowData, AgentRow> | null = null;

  constructor(
    private readonly open: (agent: AgentRowData) => void,
    private readonly ownOnly: boolean,
    private readonly previous: PreviousCards, // each total's change against the previous period
  ) {
    this.el = h(
      'section',
      { class: 'panel agents', 'data-testid': 'agent-table' },
      h('header', { class: 'section-head' }, this.title, this.count),
      h('div', { class: 'table-wrap' }, h('table', { class: 'agents-table' }, this.head, this.body)),
      this.empty,
    );
  }

  update(rows: readonly AgentRowData[]): void {
    setText(this.title, this.ownOnly ? t('agentsYou') : t('agents'));
    setText(this.count, this.ownOnly ? '' : String(rows.length));
    setText(this.empty, t('noAgents'));
    setHidden(this.empty, rows.length > 0);
    const columns = [...new Set(rows.flatMap((r) => r.cards.map((c) => c.score.scorecard)))].sort();
    const names = new Map(rows.flatMap((r) => r.cards.map((c) => [c.score.scorecard, scorecardName(c)] as const)));
    if (this.rows === null || columns.join('|') !== this.columns.join('|')) {
      this.columns = columns;
      this.head.replaceChildren(
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('agent')),
          ...columns.map((c) => h('th', { scope: 'col', class: 'col-score', title: c }, names.get(c) ?? c)),
          h('th', { scope: 'col' }, t('redLines')),
        ),
      );
      this.body.replaceChildren();
      this.rows = new Keyed(
        this.body,
        (data) => new AgentRow(data, columns, this.open, this.previous),
        (row, data) => row.update(data),
      );
    }
    this.rows.sync(rows.map((r) => [r.agent, r] as const));
  }
}
