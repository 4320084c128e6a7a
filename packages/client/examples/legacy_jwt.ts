// Legacy username/password JWT sent as X-Auth-Token (C-5, L-1..L-3), refreshed with the legacy
// refresh token when it expires.
//   KEYGATE_URL=… KEYGATE_USERNAME=… KEYGATE_PASSWORD=… npx tsx packages/client/examples/legacy_jwt.ts
import { createKeygateClient, legacyJwt } from '@keygate/client';
import { env } from './env.js';

const client = createKeygateClient({
  baseUrl: env('KEYGATE_URL'),
  auth: legacyJwt({ username: env('KEYGATE_USERNAME'), password: env('KEYGATE_PASSWORD') }),
});
console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
