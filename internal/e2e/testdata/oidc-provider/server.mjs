// A certified OpenID provider (npm oidc-provider, pinned in package.json)
// for motcua's e-ID login test, internal/e2e/eid_test.go. Not for
// production: it keeps everything in memory and logs in through
// oidc-provider's own development forms (devInteractions), where any
// password goes and the login name picks one of the test accounts below.
//
//   node server.mjs [--port N | --fd N] [--issuer URL]
//       --client ID:SECRET ... --redirect-uri URL ... [--post-logout-redirect-uri URL ...]
//       [--code-ttl SECONDS] [--short-code-ttl SECONDS] [--jwks FILE]
//
// --fd listens on a socket the parent passed (no race for a free port);
// --port 0 picks one. Every client gets every redirect URI. The issuer is
// http://127.0.0.1:<port> unless given. Codes live --code-ttl seconds (60),
// those of the account "ma-het-han" --short-code-ttl (1), so that a test can
// let one expire. --jwks is a JSON Web Key Set file with the signing key
// (two instances sharing one key differ only by issuer or audience);
// without it a fresh RSA key is made. Once listening it prints
// "READY <issuer>" on stdout; why the token endpoint refused a request goes
// to stderr ("grant.error invalid_grant: authorization code is expired").

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    fd: { type: 'string' },
    issuer: { type: 'string' },
    client: { type: 'string', multiple: true, default: [] },
    'redirect-uri': { type: 'string', multiple: true, default: [] },
    'post-logout-redirect-uri': { type: 'string', multiple: true, default: [] },
    'code-ttl': { type: 'string', default: '60' },
    'short-code-ttl': { type: 'string', default: '1' },
    jwks: { type: 'string' },
  },
});

// The levels of assurance: VNeID's loAs claim is "2" for identity level 2
// (Decree 69/2024/NĐ-CP); a standard provider says it in acr.
const ACR_LEVEL2 = 'urn:vn:vneid:loa:2';

// The test accounts, by the login name typed in the provider's form. The
// VNeID ones carry the national e-ID's claim names; "cong-dan-chuan" only
// standard claims (the ID number in preferred_username, which motcua is
// told to read with --oidc-claim-id-number); "thieu-so" gives no ID number.
const ACCOUNTS = {
  'cong-dan-vneid': {
    claims: {
      SoDinhDanh: '079090001111', HoVaTen: 'Phạm Thị Dung', NgayThangNamSinh: '12/05/1990', loAs: '2',
    },
  },
  'ma-het-han': {
    claims: {
      SoDinhDanh: '079090002222', HoVaTen: 'Đỗ Văn Giang', NgayThangNamSinh: '01/01/1991', loAs: '2',
    },
  },
  'cong-dan-chuan': {
    acr: ACR_LEVEL2,
    claims: { preferred_username: '001085003333', name: 'Hoàng Văn Em', birthdate: '1985-07-20' },
  },
  'thieu-so': {
    acr: ACR_LEVEL2,
    claims: { name: 'Vũ Thị Hoa', birthdate: '1992-02-29' },
  },
};

function fail(message) {
  process.stderr.write(`oidc-provider test server: ${message}\n`);
  process.exit(2);
}

function seconds(name) {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a whole number of seconds`);
  return n;
}

const codeTTL = seconds('code-ttl');
const shortCodeTTL = seconds('short-code-ttl');
if (args.client.length === 0 || args['redirect-uri'].length === 0) {
  fail('at least one --client ID:SECRET and one --redirect-uri are required');
}
const clients = args.client.map((c) => {
  const i = c.indexOf(':');
  if (i < 1) fail(`--client ${c}: want ID:SECRET`);
  return {
    client_id: c.slice(0, i),
    client_secret: c.slice(i + 1),
    redirect_uris: args['redirect-uri'],
    post_logout_redirect_uris: args['post-logout-redirect-uri'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
});

let jwks;
if (args.jwks) {
  jwks = JSON.parse(readFileSync(args.jwks, 'utf8'));
} else {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  jwks = { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] };
}

const server = createServer();
if (args.fd !== undefined) {
  server.listen({ fd: Number(args.fd) });
} else {
  server.listen(Number(args.port ?? 0), '127.0.0.1');
}
server.on('error', (err) => fail(err.message));
await new Promise((resolve) => { server.once('listening', resolve); });

const issuer = args.issuer ?? `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients,
  jwks,
  // PKCE is required for every authorization code request (the default,
  // said here so that the test relies on it knowingly).
  pkce: { required: () => true },
  // The relying party reads the identity from the ID token: the claims
  // its scopes ask for go there, not only to the userinfo endpoint.
  conformIdTokenClaims: false,
  scopes: ['openid', 'profile', 'vneid'],
  claims: {
    openid: ['sub'],
    // acr rides with profile: oidc-provider puts a standalone claim in
    // the ID token only when asked for by name, and a provider that
    // states the level of assurance states it with the identity.
    profile: ['name', 'birthdate', 'preferred_username', 'acr'],
    vneid: ['SoDinhDanh', 'HoVaTen', 'NgayThangNamSinh', 'loAs'],
    acr: null,
  },
  acrValues: [ACR_LEVEL2],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  ttl: {
    AuthorizationCode: (ctx, code) => (code.accountId === 'ma-het-han' ? shortCodeTTL : codeTTL),
    IdToken: 600,
    AccessToken: 600,
    Grant: 600,
    Interaction: 600,
    Session: 600,
  },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
});

// The development login form records no level of assurance; the standard
// accounts' acr is the session's, set here as a real login page would.
const interactionFinished = provider.interactionFinished.bind(provider);
provider.interactionFinished = (req, res, result, options) => {
  const acr = result?.login && ACCOUNTS[result.login.accountId]?.acr;
  if (acr) result.login.acr = acr;
  return interactionFinished(req, res, result, options);
};

// Why the token endpoint refused a request, on stderr, so that a test can
// tell an expired code from a used one or another client's.
provider.on('grant.error', (ctx, err) => {
  process.stderr.write(`grant.error ${err.error}: ${err.error_detail ?? err.message}\n`);
});

server.on('request', provider.callback());
process.stdout.write(`READY ${issuer}\n`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
