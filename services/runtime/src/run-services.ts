import { ConfigError, loadConfig } from './config';
import { StartupError, up, type ServiceName } from './up';

// What a service's own entry point runs (`node dist/services/<name>/main.js`): the service alone in
// this process, talking to the others through Postgres, until SIGINT or SIGTERM.
export async function runServices(services: readonly ServiceName[]): Promise<void> {
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
  await signalled();
  await running.close();
}

export function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
