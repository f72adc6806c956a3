import { aircall } from './aircall.connector';
import type { Connector, ConnectorName } from './connector';
import { freshdesk } from './freshdesk.connector';
import { hubspot } from './hubspot.connector';
import { pipedrive } from './pipedrive.connector';
import { salesforce } from './salesforce.connector';
import { stripe } from './stripe.connector';
import { twilio } from './twilio.connector';
import { zendesk } from './zendesk.connector';

export const CONNECTORS: Readonly<Record<ConnectorName, Connector>> = {
  stripe,
  hubspot,
  salesforce,
  pipedrive,
  zendesk,
  freshdesk,
  aircall,
  twilio,
};
