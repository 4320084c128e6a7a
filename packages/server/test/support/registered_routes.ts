import type { FastifyInstance } from 'fastify';

/** One route the app registered. */
export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/**
 * The routes of `app`, read from its own route tree (`printRoutes` in its default form: the
 * other one drops the static part of a wildcard route), so a test walking them cannot forget
 * one that is added later.
 */
export function registeredRoutes(app: FastifyInstance): RegisteredRoute[] {
  const found: RegisteredRoute[] = [];
  const path: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const [, indent = '', segment = '', methods] = match;
    path.length = indent.length / 4;
    path.push(segment);
    for (const method of methods?.split(', ') ?? []) found.push({ method, url: path.join('') });
  }
  return found;
}
