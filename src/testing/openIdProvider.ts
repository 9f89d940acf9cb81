// A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for tests, and a small browser that walks through it.
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Who signs in at the provider next; `email` and `email_verified` left out are not sent at all. */
export interface ProviderPerson {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A public client: no secret, proved by PKCE alone. */
  publicClientId: string;
  /** The person the provider signs in at the next login, or `'refuse'` to answer access_denied. */
  next: ProviderPerson | 'refuse';
  close(): Promise<void>;
}

/** A port nothing listens on just now, for a server whose address must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startOpenIdProvider(redirectUrl: string, port = 0): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const people = new Map<string, ProviderPerson>();
  const state: TestProvider = {
    issuer,
    clientId: 'headway',
    clientSecret: 'a-client-secret-long-enough-for-the-provider',
    publicClientId: 'headway-public',
    next: { sub: 'nobody' },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: state.publicClientId,
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    // PKCE is demanded of every client here, not only of public ones.
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    cookies: { keys: ['test-cookie-key-for-the-provider'] },
    // A signing key of its own for each run, and lifetimes stated, so the provider needs none of its development defaults.
    jwks: {
      keys: [
        {
          ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
          use: 'sig',
        },
      ],
    },
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    findAccount: (_ctx, id) => {
      const person = people.get(id);
      if (!person) return undefined;
      return { accountId: id, claims: () => ({ ...person }) };
    },
  });

  // The provider's own pages for login and consent, answered at once for `state.next`.
  const providerCallback = provider.callback();
  server.on('request', (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return providerCallback(req, res);
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (state.next === 'refuse')
          return await provider.interactionFinished(req, res, {
            error: 'access_denied',
            error_description: 'The person said no',
          });
        if (details.prompt.name === 'login') {
          people.set(state.next.sub, state.next);
          return await provider.interactionFinished(req, res, { login: { accountId: state.next.sub } });
        }
        const grant = new provider.Grant({
          accountId: details.session!.accountId,
          clientId: details.params.client_id as string,
        });
        grant.addOIDCScope('openid email profile');
        const grantId = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId } });
      } catch (error) {
        res.statusCode = 500;
        res.end(String(error));
      }
    })();
  });
  return state;
}

/** Cookies by name, as a browser would keep them for one host; paths do not matter for these tests. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => {
        const [key, v] = a.split('=').map((s) => s.trim().toLowerCase());
        return (key === 'max-age' && Number(v) <= 0) || (key === 'expires' && Date.parse(v!) < Date.now());
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}

/**
 * Follows the provider's redirects, as a browser would, from its authorization address until it sends the browser
 * back to `redirectUrl`; returns that address with the provider's answer in its query.
 */
export async function walkThroughProvider(
  start: string,
  redirectUrl: string,
  jar = new CookieJar(),
): Promise<URL> {
  let url = new URL(start);
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res.headers.getSetCookie());
    const location = res.headers.get('location');
    if (!location) throw new Error(`The provider answered ${res.status} at ${url.href}: ${await res.text()}`);
    url = new URL(location, url);
    if (url.href.startsWith(redirectUrl)) return url;
  }
  throw new Error('The provider redirected too many times');
}
