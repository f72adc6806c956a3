import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DEFAULT_SCHEDULE, parseSchedule, ReviewInputError, type ReviewSchedule } from '#libs/review';
import { ConfigError } from '#runtime/config';

export interface ReviewPackConfig {
  schedule: ReviewSchedule | null; // null: REVIEW_PACK_SCHEDULE=off, packs only on demand
  stalledDays: number; // a deal with no stage change for this many days is stalled
  chromium: string | null; // the browser that prints the PDF; null: none found, no PDFs
  pollMs: number; // between looks at the schedule and the deal follower's passes
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The weekly review pack's settings, read once at start; a bad value stops the start naming the variable.
export function reviewPackConfig(env: NodeJS.ProcessEnv = process.env): ReviewPackConfig {
  const scheduleText = env.REVIEW_PACK_SCHEDULE ?? '';
  let schedule: ReviewSchedule | null = DEFAULT_SCHEDULE;
  if (scheduleText === 'off') schedule = null;
  else if (scheduleText !== '')
    try {
      schedule = parseSchedule(scheduleText, 'REVIEW_PACK_SCHEDULE');
    } catch (err) {
      if (err instanceof ReviewInputError) throw new ConfigError('REVIEW_PACK_SCHEDULE', err.message);
      throw err;
    }
  const days = env.REVIEW_STALLED_DAYS ?? '14';
  if (!/^[1-9]\d{0,2}$/.test(days))
    throw new ConfigError('REVIEW_STALLED_DAYS', `expected whole days, 1–999; got "${days}"`);
  const named = env.KPI_PULSE_CHROMIUM ?? '';
  if (named !== '' && !executable(named))
    throw new ConfigError('KPI_PULSE_CHROMIUM', `no executable Chromium at "${named}"`);
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .filter((d) => d !== '')
    .map((d) => join(d, 'chromium'))
    .find(executable);
  return {
    schedule,
    stalledDays: Number(days),
    chromium: named !== '' ? named : (onPath ?? null),
    pollMs: 60_000,
  };
}
