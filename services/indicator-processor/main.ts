// The indicator-processor alone (log → indicator engine → indicator_values, with checkpoints):
// node dist/services/indicator-processor/main.js, configured by the environment like `kpi-pulse up`.
import { runServices } from '#runtime/run-services';

void runServices(['indicator-processor']);
