import type { DataSource } from 'typeorm';
import type { ChannelConfig } from '#libs/notify';
import { openChannel, sealChannel, type StoredChannel } from './alert-rows';
import type { SecretBox } from './secret-box';

export interface RekeyReport {
  secrets: number; // connector signing secrets sealed again under the new key
  channels: number; // alert subscription channels sealed again (or, kept in clear by an older release, sealed)
  alreadyNew: number; // rows the new key opens already (a run repeated after a crash of the process)
  revokedLeft: string[]; // revoked credentials neither key opens: left as they are (they verify nothing)
}

// Some rows neither key opens: nothing was changed.
export class RekeyRefused extends Error {
  constructor(
    readonly credentials: string[],
    readonly subscriptions: string[],
  ) {
    super(
      'neither key opens ' +
        [
          credentials.length > 0 ? `source credential(s) ${credentials.join(', ')}` : '',
          subscriptions.length > 0 ? `alert subscription(s) ${subscriptions.join(', ')}` : '',
        ]
          .filter((part) => part !== '')
          .join(' and '),
    );
  }
}

// Seals every connector signing secret and alert channel sealed under one KPI_SECRETS_KEY (`from`)
// under another (`to`), in one transaction: all or nothing. The rows are locked, so a process still
// writing with the old key waits, and its rows are re-keyed too or, written after, refused at its next
// start. A row the new key already opens counts apart (a repeated run); an active row neither opens
// stops it (RekeyRefused, nothing changed).
export async function rekeySecrets(db: DataSource, from: SecretBox, to: SecretBox): Promise<RekeyReport> {
  return db.transaction(async (tx) => {
    const report: RekeyReport = { secrets: 0, channels: 0, alreadyNew: 0, revokedLeft: [] };
    const unopenedCredentials: string[] = [];
    const unopenedSubscriptions: string[] = [];

    const credentials = await tx.query<{ id: string; sealed_secret: string; revoked: boolean }[]>(
      `SELECT id, sealed_secret, revoked_at IS NOT NULL AS revoked FROM source_credentials
        WHERE sealed_secret IS NOT NULL ORDER BY id FOR UPDATE`,
    );
    for (const c of credentials) {
      const secret = from.open(c.sealed_secret, c.id);
      if (secret !== undefined) {
        await tx.query(`UPDATE source_credentials SET sealed_secret = $2 WHERE id = $1`, [c.id, to.seal(secret, c.id)]);
        report.secrets++;
      } else if (to.open(c.sealed_secret, c.id) !== undefined) report.alreadyNew++;
      else if (c.revoked) report.revokedLeft.push(c.id);
      else unopenedCredentials.push(c.id);
    }

    const subscriptions = await tx.query<{ id: string; org_id: string; channel: StoredChannel | ChannelConfig }[]>(
      `SELECT id::text AS id, org_id, channel FROM alert_subscriptions ORDER BY id FOR UPDATE`,
    );
    for (const s of subscriptions) {
      // kept in clear by a release before channels were sealed: sealed now, under the new key
      const channel = 'sealed' in s.channel ? openChannel(from, s.org_id, s.channel) : s.channel;
      if (channel !== undefined) {
        await tx.query(`UPDATE alert_subscriptions SET channel = $2 WHERE id = $1`, [
          s.id,
          sealChannel(to, s.org_id, channel),
        ]);
        report.channels++;
      } else if (openChannel(to, s.org_id, s.channel as StoredChannel) !== undefined) report.alreadyNew++;
      else unopenedSubscriptions.push(s.id);
    }

    if (unopenedCredentials.length > 0 || unopenedSubscriptions.length > 0)
      throw new RekeyRefused(unopenedCredentials, unopenedSubscriptions); // rolls the transaction back
    return report;
  });
}
