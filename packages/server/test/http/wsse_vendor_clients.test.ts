import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsernameToken } from 'wsse';
import { hasCommand, requireOrSkip } from '../support/external_tools.js';
import { get } from '../support/http_client.js';
import {
  type SeededCredential,
  seedCredential,
  startTestServer,
  type TestServer,
} from '../support/start_test_server.js';

/**
 * Acceptance 2 of the WSSE issue: headers made by the vendors' own example clients are
 * accepted by the running server on /api/v1/me, in Penneo style (Username = key) and
 * OroPlatform style (Username = login).
 */
let server: TestServer;
let alice: SeededCredential;

beforeAll(async () => {
  server = await startTestServer({ store: 'sqlite' });
  server.clock.set(Date.now());
  alice = await seedCredential(server, 'alice', 'acme');
});
afterAll(() => server.close());

function expectAlice(response: { status: number; json: unknown }) {
  expect(response.status, JSON.stringify(response.json)).toBe(200);
  expect(response.json).toMatchObject({
    user: { login: 'alice' },
    organization: { name: 'acme' },
    credential: { key: alice.key },
    scheme: 'wsse',
  });
}

describe('npm wsse package (Penneo JS docs)', () => {
  it('getWSSEHeader({nonceBase64: true}) sent as the only header', async () => {
    const token = new UsernameToken({ username: alice.key, password: alice.secret });
    expectAlice(
      await get(`${server.url}/api/v1/me`, {
        'X-WSSE': token.getWSSEHeader({ nonceBase64: true }),
      }),
    );
  });

  it("the docs' snippet verbatim: 'UsernameToken ' + getWSSEHeader() with the Authorization companion", async () => {
    const token = new UsernameToken({ username: alice.key, password: alice.secret });
    expectAlice(
      await get(`${server.url}/api/v1/me`, {
        Authorization: 'WSSE profile="UsernameToken"',
        'X-WSSE': `UsernameToken ${token.getWSSEHeader({ nonceBase64: true })}`,
      }),
    );
  });

  it('OroPlatform style: Username is the login, the organization comes from the key', async () => {
    const token = new UsernameToken({ username: 'alice', password: alice.secret });
    expectAlice(
      await get(`${server.url}/api/v1/me`, {
        'X-WSSE': token.getWSSEHeader({ nonceBase64: true }),
      }),
    );
  });

  it('the npm default (raw nonce, not base64) is refused: the server decodes the nonce', async () => {
    const token = new UsernameToken({ username: alice.key, password: alice.secret });
    const response = await get(`${server.url}/api/v1/me`, { 'X-WSSE': token.getWSSEHeader() });
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ error: 'invalid_credentials' });
  });
});

const havePhp = hasCommand('php');
describe.runIf(requireOrSkip('php', havePhp))("the docs' PHP snippets", () => {
  function php(code: string, env: Record<string, string>): string {
    return execFileSync('php', ['-r', code], { env: { ...process.env, ...env } }).toString();
  }

  it("Penneo generateHeaders(): sha512 hex nonce, date('r')", async () => {
    const header = php(
      `$key = getenv('K'); $secret = getenv('S');
       $nonce   = hash('sha512', uniqid(true));
       $created = date('r');
       $digest  = base64_encode(sha1(base64_decode($nonce) . $created . $secret, true));
       echo "UsernameToken Username=\\"{$key}\\", PasswordDigest=\\"$digest\\", Nonce=\\"$nonce\\", Created=\\"$created\\"";`,
      { K: alice.key, S: alice.secret },
    );
    expectAlice(
      await get(`${server.url}/api/v1/me`, {
        Authorization: 'WSSE profile="UsernameToken"',
        'X-WSSE': header,
      }),
    );
  });

  it("OroPlatform header generation: md5 nonce, date('c'), Username = login", async () => {
    const header = php(
      `$userName = getenv('L'); $userApiKey = getenv('S');
       $nonce = base64_encode(substr(md5(uniqid()), 0, 16));
       $created  = date('c');
       $digest   = base64_encode(sha1(base64_decode($nonce) . $created . $userApiKey, true));
       printf('UsernameToken Username="%s", PasswordDigest="%s", Nonce="%s", Created="%s"', $userName, $digest, $nonce, $created);`,
      { L: 'alice', S: alice.secret },
    );
    expectAlice(await get(`${server.url}/api/v1/me`, { 'X-WSSE': header }));
  });
});

const havePython = hasCommand('python3');
describe.runIf(requireOrSkip('python3', havePython))("the docs' Python generate_headers", () => {
  it('is accepted', async () => {
    // The docs' function, with the generate_nonce() and timestamp lines it leaves out filled
    // in the way the vectors' python source does (base64 of random ASCII, UTC ISO 8601 Z).
    const script = `
import base64, datetime, hashlib, os, secrets, string, json
def generate_nonce():
    raw = ''.join(secrets.choice(string.ascii_letters + string.digits) for _ in range(16))
    return base64.b64encode(raw.encode('utf-8')).decode('utf-8')
def generate_headers(key, secret):
    timestamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    nonce = generate_nonce()
    digest = '{}{}{}'.format(base64.b64decode(nonce).decode('utf-8'), timestamp, secret)
    hashed_digest = hashlib.sha1(bytes(digest, 'utf-8')).digest()
    encoded_hashed_digest = base64.b64encode(hashed_digest).decode('utf-8')
    username_token = 'UsernameToken Username="{}", PasswordDigest="{}", Nonce="{}", Created="{}"'.format(key, encoded_hashed_digest, nonce, timestamp)
    return {'Authorization': 'WSSE profile="UsernameToken"', 'X-WSSE': username_token}
print(json.dumps(generate_headers(os.environ['K'], os.environ['S'])))
`;
    const headers = JSON.parse(
      execFileSync('python3', ['-c', script], {
        env: { ...process.env, K: alice.key, S: alice.secret },
      }).toString(),
    ) as Record<string, string>;
    expectAlice(await get(`${server.url}/api/v1/me`, headers));
  });
});
