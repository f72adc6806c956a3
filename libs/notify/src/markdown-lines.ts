import { say, valueText, type AlertLine, type Language } from './notification';

// One alert as a markdown list item for the chat robots (DingTalk, WeCom): what, where, value vs
// target, and the link to the scorecard. Brackets in names would break the link syntax.
export function markdownLine(l: AlertLine, language: Language, status: (l: AlertLine) => string): string {
  const plain = (s: string) => s.replace(/[[\]()]/g, ' ');
  return `- ${status(l)} ${plain(l.ruleName)} · [${plain(l.kpiName)} · ${plain(l.entityLabel)}](${l.link}) · ${valueText(l, language)}`;
}

export function statusWord(l: AlertLine, language: Language): string {
  return say(l.transition, language);
}
