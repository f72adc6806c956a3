// The ingest-gateway alone (POST /v1/events: validate, append to the log, answer per event):
// node dist/services/ingest-gateway/main.js, configured by the environment like `kpi-pulse up`.
import { runServices } from '#runtime/run-services';

void runServices(['ingest-gateway']);
