import { describeForwardAuthProxy } from '../support/forward_auth_proxy_scenarios.js';
import { NGINX_BIN, requireProxyBinary, startNginx } from '../support/reverse_proxy_process.js';

/** Issue 13, acceptance 1 and 4: real nginx `auth_request` with `examples/nginx/keygate.conf`. */
describeForwardAuthProxy('nginx', requireProxyBinary('nginx', NGINX_BIN), startNginx, 503);
