export {
  CONNECTOR_NAMES,
  isConnectorName,
  type Connector,
  type ConnectorName,
  type Delivery,
  type Mapped,
  type MappingContext,
  type MappingProblem,
  type Verification,
  type VerificationRefusal,
  type WebhookRequest,
} from './connector';
export { CONNECTORS } from './connectors';
export { majorUnits } from './minor-units';
export { REPLAY_WINDOW_MS } from './verify';
export { signAsVendor } from './sign';
