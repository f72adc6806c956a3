import { constants } from 'node:os';
import { ConfigError, loadConfig } from './config';
import type { ServiceName } from './service-names';
import { StartupError, up } from './up';

// What a service's own entry point runs (`node dist/services/<name>/main.js`): the service alone in
// this process, talking to the others through Postgres, until SIGINT, SIGTERM or SIGHUP.
export async function runServices(services: readonly ServiceName[]): Promise<void> {
  const signals = new StopSignals();
  let running;
  try {
    running = await up(loadConfig(), services);
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof StartupError)) throw err;
    process.stderr.write(`kpi-pulse: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${services.join(', ')} is up at ${running.url} (health ${running.url}/health/ready)\n`);
  await signals.next();
  await running.close();
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

// Watched from before anything starts. Once the process is up, the first SIGINT (Ctrl-C), SIGTERM
// (a supervisor) or SIGHUP (the terminal closed) ends next(), and a graceful shutdown follows: the
// processor's last checkpoint, then the embedded Postgres. A signal while starting, or a second one,
// exits at once: the 'exit' hook still stops the embedded Postgres.
export class StopSignals {
  private stop: ((signal: NodeJS.Signals) => void) | undefined;
  private received = false;

  constructor() {
    for (const signal of STOP_SIGNALS) process.on(signal, this.onSignal);
  }

  next(): Promise<NodeJS.Signals> {
    return new Promise((resolve) => (this.stop = resolve));
  }

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.stop === undefined || this.received) process.exit(128 + constants.signals[signal]);
    this.received = true;
    this.stop(signal);
  };
}
