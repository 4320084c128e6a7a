/**
 * The part of oidc-provider 9's API the benchmark uses. oidc-provider ships no types and none
 * are installed, so this declares only what `bench/oidc_server.ts` calls: the `Provider`
 * constructor (issuer, configuration as documented in its `docs/README.md`) and `callback()`,
 * the request listener for `node:http`.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** A configured provider. */
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    /** The request listener to mount on a `node:http` server. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
