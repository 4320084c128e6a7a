// OAuth api_keys grant (C-3, O-8): the API secret only ever leaves as a digest; the access token
// is cached and the grant re-runs 5 s before expiry or once on a 401.
//   KEYGATE_URL=… KEYGATE_CLIENT_ID=… KEYGATE_CLIENT_SECRET=… KEYGATE_KEY=… KEYGATE_SECRET=… \
//   npx tsx packages/client/examples/api_keys.ts
import { apiKeys, createKeygateClient } from '@keygate/client';
import { env } from './env.js';

const client = createKeygateClient({
  baseUrl: env('KEYGATE_URL'),
  auth: apiKeys({
    clientId: env('KEYGATE_CLIENT_ID'),
    clientSecret: env('KEYGATE_CLIENT_SECRET'),
    key: env('KEYGATE_KEY'),
    secret: env('KEYGATE_SECRET'),
  }),
});
console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
