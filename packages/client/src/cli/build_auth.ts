import { apiKeys } from '../auth/api_keys.js';
import { bearer } from '../auth/bearer.js';
import { clientCredentials } from '../auth/client_credentials.js';
import { legacyJwt } from '../auth/legacy_jwt.js';
import { wsse } from '../auth/wsse.js';
import type { AuthStrategy } from '../auth_strategy.js';
import {
  type ClientAuthentication,
  clientSecretBasic,
  clientSecretPost,
} from '../client_authentication.js';
import { type CliIo, UsageError } from './cli_io.js';
import { type FlagValues, optionalFlag, requireFlag } from './parse_command.js';
import { checkOneStdinSecret, readSecret, SECRETS, type SecretSource } from './read_secret.js';

/** The `--auth` values of `keygate-client call`. */
export const AUTH_KINDS = [
  'wsse',
  'api-keys',
  'client-credentials',
  'legacy-jwt',
  'bearer',
] as const;

/** One of {@link AUTH_KINDS}. */
export type AuthKind = (typeof AUTH_KINDS)[number];

/** Which secrets each kind needs, in prompt order. */
const NEEDS: Record<AuthKind, SecretSource[]> = {
  wsse: [SECRETS.apiSecret],
  'api-keys': [SECRETS.clientSecret, SECRETS.apiSecret],
  'client-credentials': [SECRETS.clientSecret],
  'legacy-jwt': [SECRETS.password],
  bearer: [SECRETS.token],
};

/** The client authentication for token requests: `--basic` picks HTTP Basic. */
export function clientAuthenticationFrom(
  values: FlagValues,
  clientSecret: string,
): ClientAuthentication {
  return values.basic ? clientSecretBasic(clientSecret) : clientSecretPost(clientSecret);
}

/** Builds the strategy `--auth` names, reading its secrets from env, stdin or a prompt. */
export async function buildAuth(io: CliIo, values: FlagValues): Promise<AuthStrategy> {
  const kind = optionalFlag(values, 'auth') ?? 'wsse';
  if (!(AUTH_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`--auth must be one of ${AUTH_KINDS.join(', ')}`);
  }
  const needs = NEEDS[kind as AuthKind];
  checkOneStdinSecret(values, needs);
  const secret = async (source: SecretSource) => (await readSecret(io, values, source)) as string;
  switch (kind as AuthKind) {
    case 'wsse':
      return wsse({ key: requireFlag(values, 'key'), secret: await secret(SECRETS.apiSecret) });
    case 'api-keys': {
      const clientId = requireFlag(values, 'client-id');
      const key = requireFlag(values, 'key');
      const clientSecret = await secret(SECRETS.clientSecret);
      const scope = optionalFlag(values, 'scope');
      return apiKeys({
        clientId,
        clientAuthentication: clientAuthenticationFrom(values, clientSecret),
        key,
        secret: await secret(SECRETS.apiSecret),
        ...(scope !== undefined ? { scope } : {}),
      });
    }
    case 'client-credentials': {
      const clientId = requireFlag(values, 'client-id');
      const scope = optionalFlag(values, 'scope');
      return clientCredentials({
        clientId,
        clientAuthentication: clientAuthenticationFrom(values, await secret(SECRETS.clientSecret)),
        ...(scope !== undefined ? { scope } : {}),
      });
    }
    case 'legacy-jwt':
      return legacyJwt({
        username: requireFlag(values, 'username'),
        password: await secret(SECRETS.password),
      });
    case 'bearer':
      return bearer(await secret(SECRETS.token));
  }
}
