// WSSE UsernameToken (C-2): a fresh nonce and X-WSSE header for every request.
//   KEYGATE_URL=http://127.0.0.1:8080 KEYGATE_KEY=… KEYGATE_SECRET=… npx tsx packages/client/examples/wsse.ts
import { createKeygateClient, wsse } from '@keygate/client';
import { env } from './env.js';

const client = createKeygateClient({
  baseUrl: env('KEYGATE_URL'),
  auth: wsse({ key: env('KEYGATE_KEY'), secret: env('KEYGATE_SECRET') }),
});
console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
