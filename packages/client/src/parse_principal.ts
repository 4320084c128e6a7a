import type { ResourceAuthScheme, ResourcePrincipal } from './resource_principal.js';

const SCHEMES: ReadonlySet<unknown> = new Set<ResourceAuthScheme>(['wsse', 'bearer', 'legacy_jwt']);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The string `id` and `field` of an object, or undefined when it has not both. */
function idWith(value: unknown, field: string): { id: string; value: string } | undefined {
  if (!isObject(value) || typeof value.id !== 'string') return undefined;
  const other = value[field];
  return typeof other === 'string' ? { id: value.id, value: other } : undefined;
}

/**
 * The principal in keygate's `/auth/verify` (and `/api/v1/me`) answer body, copied field by
 * field (nothing else of the body is kept); undefined when the body is not a principal.
 */
export function parsePrincipal(body: unknown): ResourcePrincipal | undefined {
  if (!isObject(body) || !SCHEMES.has(body.scheme)) return undefined;
  const { scopes } = body;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) {
    return undefined;
  }
  const user = body.user === null ? null : idWith(body.user, 'login');
  const organization = body.organization === null ? null : idWith(body.organization, 'name');
  const client = isObject(body.client) ? body.client.id : undefined;
  const credential = idWith(body.credential, 'key');
  if (
    user === undefined ||
    organization === undefined ||
    (body.client !== undefined && typeof client !== 'string') ||
    (body.credential !== undefined && credential === undefined)
  ) {
    return undefined;
  }
  return {
    user: user && { id: user.id, login: user.value },
    organization: organization && { id: organization.id, name: organization.value },
    ...(typeof client === 'string' ? { client: { id: client } } : {}),
    ...(credential ? { credential: { id: credential.id, key: credential.value } } : {}),
    scopes: [...scopes],
    scheme: body.scheme as ResourceAuthScheme,
  };
}
