// The scorecard-gateway alone (socket.io /scorecards, scorecards and definitions over REST):
// node dist/services/scorecard-gateway/main.js, configured by the environment like `kpi-pulse up`.
import { runServices } from '#runtime/run-services';

void runServices(['scorecard-gateway']);
