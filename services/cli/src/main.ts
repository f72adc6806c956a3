import { Command, CommanderError } from 'commander';
import { registerAlertsCommand } from './alerts.command';
import { registerCloseCommand } from './close.command';
import { registerDefinitionsCommand } from './definitions-validate.command';
import { registerEvaluateCommand } from './evaluate.command';
import { registerSecretsCommand } from './secrets.command';
import { registerSimulateCommand } from './simulate.command';
import { registerSourcesCommand } from './sources.command';
import { registerTokenCommand } from './token.command';
import { registerUpCommand } from './up.command';
import { UsageError } from './usage-error';

const program = new Command('kpi-pulse')
  .description('KPI Pulse: live KPI scorecards from CRM, ticketing and finance events.')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerEvaluateCommand(program);
registerCloseCommand(program);
registerDefinitionsCommand(program);
registerSimulateCommand(program);
registerUpCommand(program);
registerTokenCommand(program);
registerAlertsCommand(program);
registerSourcesCommand(program);
registerSecretsCommand(program);

function fail(message: string): void {
  process.stderr.write(`kpi-pulse: ${message}\n`);
  process.exitCode = 2;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // commander has printed the message (or the help) already
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError) {
    fail(err.message);
  } else {
    fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  }
});
