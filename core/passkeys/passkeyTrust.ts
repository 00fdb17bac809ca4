import { z } from 'zod';

/**
 * Where passkey assertions are accepted from: the relying party id passkeys are scoped to,
 * and the origins the console is served at (`*` as the port: any port of that host, for a
 * console on loopback whose port is chosen at start). WebAuthn refuses IP addresses as RP
 * ids, so the development console is reached as `localhost`.
 */
export const PasskeyTrustSchema = z.strictObject({
  rpId: z.string().min(1).max(253).regex(/^[a-z0-9.-]+$/, 'must be a host name (lower case), not an IP address or URL'),
  origins: z.array(z.string().regex(/^https?:\/\/[a-z0-9.-]+(:(\d{1,5}|\*))?$/, 'must be an origin such as https://console.example.com or http://localhost:*')).min(1),
});

/** Where passkey assertions are accepted from. */
export interface PasskeyTrust {
  /** The relying party id. */
  rpId: string;
  /** The console's origins (`http://localhost:*`: any port of localhost). */
  origins: string[];
}

/** The development default: the console on localhost, any port. */
export const DEFAULT_PASSKEY_TRUST: PasskeyTrust = { rpId: 'localhost', origins: ['http://localhost:*'] };

/** Whether `origin` (from an assertion's client data) is one the trust accepts. */
export function isTrustedOrigin(trust: PasskeyTrust, origin: string): boolean {
  return trust.origins.some((allowed) => {
    if (!allowed.endsWith(':*')) return allowed === origin;
    const prefix = allowed.slice(0, -1);
    return origin.startsWith(prefix) && /^\d{1,5}$/.test(origin.slice(prefix.length));
  });
}
