// OAuth authorization code with PKCE S256 and state (C-4), for a command-line app: it listens on
// its redirect URI, prints the URL to open in a browser, finishes the sign-in when the browser
// comes back, and keeps the tokens in a 0600 file so the next run needs no sign-in.
//   KEYGATE_URL=… KEYGATE_CLIENT_ID=… KEYGATE_CLIENT_SECRET=… \
//   KEYGATE_REDIRECT_URI=http://127.0.0.1:3000/callback KEYGATE_TOKEN_FILE=./tokens.json \
//   npx tsx packages/client/examples/authorization_code.ts
import { createServer } from 'node:http';
import { authorizationCode, createKeygateClient, SessionExpiredError } from '@keygate/client';
import { fileTokenStorage } from '@keygate/client/node';
import { env } from './env.js';

const redirectUri = new URL(env('KEYGATE_REDIRECT_URI'));
const auth = authorizationCode({
  clientId: env('KEYGATE_CLIENT_ID'),
  clientSecret: env('KEYGATE_CLIENT_SECRET'),
  redirectUri: redirectUri.toString(),
  scope: process.env.KEYGATE_SCOPE ?? 'documents:read',
  storage: fileTokenStorage(env('KEYGATE_TOKEN_FILE')),
});
const client = createKeygateClient({ baseUrl: env('KEYGATE_URL'), auth });

/** Waits for the browser to come back to the redirect URI and finishes the sign-in there. */
function signIn(): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer(async (request, response) => {
      const url = new URL(request.url ?? '/', redirectUri);
      if (url.pathname !== redirectUri.pathname) {
        response.writeHead(404).end();
        return;
      }
      try {
        await auth.handleRedirect(url);
        response.end('Signed in. You can close this window.\n');
        resolve();
      } catch (error) {
        response.writeHead(400).end('Sign-in failed.\n');
        reject(error);
      } finally {
        server.close();
      }
    });
    server.listen(Number(redirectUri.port || 80), redirectUri.hostname, async () => {
      console.log(`Open this URL in a browser: ${await auth.authorizationUrl()}`);
    });
  });
}

if ((await auth.tokens()) === null) await signIn();
try {
  console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
} catch (error) {
  if (!(error instanceof SessionExpiredError)) throw error;
  // Both tokens expired: sign in again once.
  await signIn();
  console.log(JSON.stringify(await client.json('GET', '/api/v1/me')));
}
