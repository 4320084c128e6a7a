// For an API that receives keygate access tokens as Bearer: verify one against keygate's JWKS
// (ES256 only, typ at+jwt, iss, aud, exp) and print its claims.
//   KEYGATE_URL=… KEYGATE_TOKEN=<access token> npx tsx packages/client/examples/verify_access_token.ts
import { verifyAccessToken } from '@keygate/client';
import { env } from './env.js';

const issuer = env('KEYGATE_URL');
const claims = await verifyAccessToken(env('KEYGATE_TOKEN'), {
  issuer,
  audience: process.env.KEYGATE_AUDIENCE ?? issuer,
});
console.log(JSON.stringify(claims));
