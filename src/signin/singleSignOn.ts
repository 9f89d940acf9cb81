// Single sign-on with OpenID Connect: authorization code with PKCE, the provider's answer checked by openid-client.
import type * as Oidc from 'openid-client';
import type { SingleSignOnConfig } from '../config.js';
import type { Db } from '../db/connection.js';
import { inTransaction } from '../db/transaction.js';
import { recordChange, type Trx } from '../history/recordChange.js';
import { createUser } from '../people/userCommands.js';
import { findUserRowByEmail, presentUser, type User } from '../people/users.js';
import { safeReturnTo } from './returnTo.js';
import { newSecret, secretHash } from './secrets.js';
import type { SessionTimes } from './sessions.js';
import { openSession } from './signIn.js';

/** How long someone has at the provider before the sign-in they began is forgotten. */
export const singleSignOnMinutes = 10;

/** A sign-in that did not happen, with a message for the person; nothing was changed. */
export class SingleSignOnRefusedError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SingleSignOnRefusedError';
  }
}

export interface SingleSignOnStart {
  /** The provider's sign-in page, with state, nonce and the PKCE challenge. */
  url: URL;
  /** The value of the short-lived cookie that ties this sign-in to the browser. */
  requestSecret: string;
}

export interface SingleSignOnFinish {
  /** The provider's answer: the query string it sent the browser back with. */
  query: string;
  /** The short-lived cookie set when the sign-in began. */
  requestSecret: string | undefined;
  address: string;
  /** A session the browser brought, ended so that the new one has a fresh id. */
  previousSecret: string | undefined;
}

export interface SingleSignOn {
  label: string;
  begin(db: Db, returnTo: unknown): Promise<SingleSignOnStart>;
  finish(
    db: Db,
    answer: SingleSignOnFinish,
    times: SessionTimes,
  ): Promise<{ user: User; sessionSecret: string; returnTo: string }>;
}

interface Claims {
  sub: string;
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
}

function isLocal(url: URL): boolean {
  return url.protocol === 'http:';
}

/**
 * The provider's settings are discovered on first use and kept for the life of the process: the provider may be
 * down when Headway starts, and a failed discovery is tried again on the next sign-in.
 */
// openid-client (with jose) is loaded at the first sign-in through the provider, not when Headway starts.
const loadOidc = () => import('openid-client');

export function singleSignOnWith(config: SingleSignOnConfig): SingleSignOn {
  const issuer = new URL(config.issuer);
  let discovered: Promise<Oidc.Configuration> | undefined;

  function provider(): Promise<Oidc.Configuration> {
    discovered ??= loadOidc()
      .then((oidc) =>
        oidc.discovery(
          issuer,
          config.clientId,
          { redirect_uris: [config.redirectUrl], response_types: ['code'] },
          config.clientSecret ? oidc.ClientSecretPost(config.clientSecret) : oidc.None(),
          {
            // The ID token's signature is checked against the provider's published keys too, not only trusted
            // for having come over TLS. Plain http is accepted only for a provider on this machine (see config.ts).
            execute: [
              oidc.enableNonRepudiationChecks,
              ...(isLocal(issuer) ? [oidc.allowInsecureRequests] : []),
            ],
            timeout: 10,
          },
        ),
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw new SingleSignOnRefusedError(
          `${config.label} cannot be reached just now (${reason(error)}). ` +
            'Try again in a few minutes, or sign in with your e-mail address and password.',
          503,
        );
      });
    return discovered;
  }

  async function begin(db: Db, returnTo: unknown): Promise<SingleSignOnStart> {
    const settings = await provider();
    const oidc = await loadOidc();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const requestSecret = newSecret();
    await inTransaction(db, (trx) =>
      saveSingleSignOnRequest(trx, requestSecret, {
        state,
        nonce,
        code_verifier: codeVerifier,
        return_to: safeReturnTo(returnTo),
      }),
    );
    const url = oidc.buildAuthorizationUrl(settings, {
      redirect_uri: config.redirectUrl,
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, requestSecret };
  }

  async function identityFrom(
    db: Db,
    answer: SingleSignOnFinish,
  ): Promise<{ claims: Claims; returnTo: string }> {
    // Used up before anything else, so the same answer can never be replayed, whatever happens next.
    const request = answer.requestSecret
      ? await inTransaction(db, (trx) => takeSingleSignOnRequest(trx, answer.requestSecret!))
      : undefined;
    if (!request)
      throw new SingleSignOnRefusedError(
        `This sign-in was not started in this browser, or took longer than ${singleSignOnMinutes} minutes. ` +
          'Start again from the sign-in page.',
      );
    const settings = await provider();
    const oidc = await loadOidc();
    const callback = new URL(config.redirectUrl);
    callback.search = answer.query;
    try {
      const tokens = await oidc.authorizationCodeGrant(settings, callback, {
        pkceCodeVerifier: request.code_verifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new SingleSignOnRefusedError(`${config.label} did not say who you are.`);
      let claims: Claims = idToken;
      // Many providers put the e-mail address only in the user info, not in the ID token.
      if (claims.email === undefined)
        claims = { ...(await oidc.fetchUserInfo(settings, tokens.access_token, idToken.sub)), ...idToken };
      return { claims, returnTo: request.return_to };
    } catch (error) {
      if (error instanceof SingleSignOnRefusedError) throw error;
      if (error instanceof oidc.AuthorizationResponseError)
        throw new SingleSignOnRefusedError(
          `${config.label} did not sign you in: ${error.error_description ?? error.error}.`,
        );
      throw new SingleSignOnRefusedError(
        `The answer from ${config.label} could not be verified (${reason(error)}), so you have not been signed in. ` +
          'Start again from the sign-in page.',
      );
    }
  }

  async function finish(db: Db, answer: SingleSignOnFinish, times: SessionTimes) {
    const { claims, returnTo } = await identityFrom(db, answer);
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    if (email === '')
      throw new SingleSignOnRefusedError(
        `${config.label} did not give your e-mail address, which Headway needs to know who you are. ` +
          'Ask your administrator to let Headway read it.',
      );
    // Someone who could name any address at the provider could otherwise take over that person's account here.
    if (
      claims.email_verified !== undefined &&
      claims.email_verified !== true &&
      claims.email_verified !== 'true'
    )
      throw new SingleSignOnRefusedError(
        `${config.label} has not verified the e-mail address ${email}, so Headway cannot use it to sign you in.`,
      );
    const name =
      typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name.trim() : undefined;
    const outcome = await inTransaction(db, (trx) =>
      signInByEmail(
        trx,
        { email, name, address: answer.address, previousSecret: answer.previousSecret },
        times,
      ),
    );
    if ('refused' in outcome) throw new SingleSignOnRefusedError(outcome.refused, 403);
    return { user: outcome.user, sessionSecret: outcome.sessionSecret, returnTo };
  }

  async function signInByEmail(
    trx: Trx,
    person: { email: string; name: string | undefined; address: string; previousSecret: string | undefined },
    times: SessionTimes,
  ): Promise<{ refused: string } | { user: User; sessionSecret: string }> {
    const how = 'single sign-on';
    const found = await findUserRowByEmail({ kysely: trx }, person.email);
    if (found?.disabled_at) {
      await recordChange(
        trx,
        { name: person.email, source: how },
        {
          recordType: 'user',
          recordId: found.id,
          planId: null,
          change: 'sign-in-failed',
          after: { email: found.email, address: person.address, reason: 'disabled' },
        },
      );
      return { refused: 'This account has been disabled. Ask an administrator if you need it again.' };
    }
    const row =
      found ??
      (await createUser(
        trx,
        { name: person.name ?? person.email, source: how },
        { email: person.email, name: person.name, role: config.defaultRole },
      ));
    const user = presentUser(row);
    const sessionSecret = await openSession(trx, user, times, person.address, how, person.previousSecret);
    return { user, sessionSecret };
  }

  return {
    label: config.label,
    begin,
    finish,
  };
}

/** The most specific words for what went wrong: openid-client wraps the particular check that failed as the cause. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

type RequestChecks = { state: string; nonce: string; code_verifier: string; return_to: string };

/** Keeps what the provider's answer must match, under the hash of the cookie that ties it to the browser. */
export async function saveSingleSignOnRequest(
  trx: Trx,
  requestSecret: string,
  checks: RequestChecks,
  now = new Date(),
): Promise<void> {
  // Sign-ins begun and never finished are cleared as new ones begin, so the table stays small.
  await trx.deleteFrom('single_sign_on_requests').where('expires_at', '<=', now.toISOString()).execute();
  await trx
    .insertInto('single_sign_on_requests')
    .values({
      id_hash: secretHash(requestSecret),
      ...checks,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + singleSignOnMinutes * 60_000).toISOString(),
    })
    .execute();
}

/** The request this browser began, removed so it can be used once; undefined when unknown or expired. */
export async function takeSingleSignOnRequest(
  trx: Trx,
  requestSecret: string,
  now = new Date(),
): Promise<RequestChecks | undefined> {
  // Deleting and reading in one statement: of two answers racing with the same cookie, only one gets the row.
  const row = await trx
    .deleteFrom('single_sign_on_requests')
    .where('id_hash', '=', secretHash(requestSecret))
    .returningAll()
    .executeTakeFirst();
  if (!row) return undefined;
  if (Date.parse(row.expires_at) <= now.getTime()) return undefined;
  return {
    state: row.state,
    nonce: row.nonce,
    code_verifier: row.code_verifier,
    return_to: row.return_to,
  };
}
