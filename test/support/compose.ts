import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');

export class MissingVariable extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

// Compose's interpolation of `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`,
// `${VAR?message}` and `$$`, as `docker compose config` applies it before anything starts: a required
// variable that is unset (or empty, for `:?`) stops it with the message.
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
    (whole, name: string | undefined, op: string | undefined, arg: string | undefined) => {
      if (whole === '$$') return '$';
      const variable = name as string;
      const value = env[variable];
      const unset = value === undefined || (op?.startsWith(':') === true && value === '');
      if (!unset) return value;
      if (op === ':-' || op === '-') return arg ?? '';
      if (op === ':?' || op === '?') throw new MissingVariable(variable, `required variable ${variable}: ${arg ?? ''}`);
      return '';
    },
  );
}

export const composeText = (): string => readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

export interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  restart?: string;
  environment?: Record<string, string | number | boolean | null>;
  healthcheck?: { test?: unknown; start_period?: string; interval?: string; retries?: number; disable?: boolean };
  volumes?: string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

// The compose file as `docker compose config` sees it: interpolated, YAML merge keys (`<<: *service`)
// resolved. Without env, the raw values (`${VAR:?…}` left as written).
export function loadCompose(env?: Readonly<Record<string, string | undefined>>): ComposeFile {
  const text = env === undefined ? composeText() : interpolate(composeText(), env);
  return parse(text, { merge: true }) as ComposeFile;
}

// The runtime (last) stage of the Dockerfile: its ENV, USER, WORKDIR, RUN lines and CMD.
export interface ImageStage {
  env: Record<string, string>;
  user: string | undefined;
  workdir: string | undefined;
  runs: string[];
  cmd: string[] | undefined;
}

export function runtimeStage(): ImageStage {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim());
  const from = lines.map((l, i) => (/^FROM\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const stage: ImageStage = { env: {}, user: undefined, workdir: undefined, runs: [], cmd: undefined };
  for (const line of lines.slice(from[from.length - 1])) {
    const [, instruction, rest] = /^([A-Z]+)\s+(.*)$/.exec(line) ?? [];
    if (instruction === 'ENV')
      for (const [, key, value] of (rest as string).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g))
        stage.env[key as string] = value as string;
    if (instruction === 'USER') stage.user = rest;
    if (instruction === 'WORKDIR') stage.workdir = rest;
    if (instruction === 'RUN') stage.runs.push(rest as string);
    if (instruction === 'CMD') stage.cmd = JSON.parse(rest as string) as string[];
  }
  return stage;
}
