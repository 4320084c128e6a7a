import { describeForwardAuthProxy } from '../support/forward_auth_proxy_scenarios.js';
import { CADDY_BIN, requireProxyBinary, startCaddy } from '../support/reverse_proxy_process.js';

/** Issue 13, acceptance 2 and 4: real Caddy `forward_auth` with `examples/caddy/Caddyfile`. */
describeForwardAuthProxy('Caddy', requireProxyBinary('caddy', CADDY_BIN), startCaddy, 502);
