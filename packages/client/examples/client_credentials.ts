// OAuth client_credentials: the client acts as itself (no user). The secret goes in HTTP Basic.
//   KEYGATE_URL=… KEYGATE_CLIENT_ID=… KEYGATE_CLIENT_SECRET=… npx tsx packages/client/examples/client_credentials.ts
import { clientCredentials, clientSecretBasic, createKeygateClient } from '@keygate/client';
import { env } from './env.js';

const client = createKeygateClient({
  baseUrl: env('KEYGATE_URL'),
  auth: clientCredentials({
    clientId: env('KEYGATE_CLIENT_ID'),
    clientAuthentication: clientSecretBasic(env('KEYGATE_CLIENT_SECRET')),
  }),
});
console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
