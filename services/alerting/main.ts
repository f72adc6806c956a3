// The alerting service alone (scored cards → alert states and transitions):
// node dist/services/alerting/main.js, configured by the environment like `kpi-pulse up`.
import { runServices } from '#runtime/run-services';

void runServices(['alerting']);
