import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Connector signing secrets at rest (docs/connectors.md, "Secrets at rest"): verifying a vendor's HMAC
// needs the secret itself, so it cannot be hashed like a token; it is sealed with AES-256-GCM under a key
// from the environment (KPI_SECRETS_KEY). A fresh 12-byte IV per seal; the credential's id is the
// associated data, so a sealed secret copied onto another credential's row does not open.
// Sealed text: `v1.<iv>.<tag>.<ciphertext>`, each base64url.
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new Error(`a secret box needs a 32-byte key, got ${key.length} bytes`);
    this.key = Buffer.from(key);
  }

  seal(secret: string, credentialId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(credentialId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  // undefined: not sealed by this key for this credential (another key, another row, altered)
  open(sealed: string, credentialId: string): string | undefined {
    const [version, iv, tag, text] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || text === undefined) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'))
        .setAAD(Buffer.from(credentialId, 'utf8'))
        .setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(text, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
