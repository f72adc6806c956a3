// The scoring-service alone (indicator changes → scorecards and red-line breaches):
// node dist/services/scoring-service/main.js, configured by the environment like `kpi-pulse up`.
import { runServices } from '#runtime/run-services';

void runServices(['scoring-service']);
