import { executable, installDebianPackages, onPath } from '../support/debian-packages';

const DEBIAN_PROMETHEUS = '/usr/bin/prometheus';

// The dashboards' PromQL is evaluated by a real Prometheus, started by the tests on their own config: this
// finds it — KPI_PULSE_PROMETHEUS when set (the only place looked at then), else `prometheus` on PATH — and
// tells the test workers (KPI_PULSE_PROMETHEUS); on a fresh Debian machine it installs Debian's package.
export default function setup(): void {
  const override = process.env.KPI_PULSE_PROMETHEUS;
  if (override !== undefined && override !== '') {
    if (!executable(override)) throw new Error(`KPI_PULSE_PROMETHEUS=${override} is not an executable`);
    return;
  }
  const found = onPath('prometheus');
  if (found !== undefined) {
    process.env.KPI_PULSE_PROMETHEUS = found;
    return;
  }
  installDebianPackages({
    tier: 'Grafana dashboard tests',
    missing: 'Prometheus (none on PATH)',
    packages: ['prometheus'],
    otherwise: 'or set KPI_PULSE_PROMETHEUS to a Prometheus 2 binary',
  });
  if (!executable(DEBIAN_PROMETHEUS))
    throw new Error(`apt-get installed prometheus, yet ${DEBIAN_PROMETHEUS} is missing`);
  process.stderr.write(`Grafana dashboard tests: installed; running ${DEBIAN_PROMETHEUS}\n`);
  process.env.KPI_PULSE_PROMETHEUS = DEBIAN_PROMETHEUS;
}
