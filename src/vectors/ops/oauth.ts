/** Conformance operations of src/oauth/ (FORMAT.md `token.request`, `token.response`, `assertion.create`). */
import { OAuthBearerError } from '../../errors.js';
import { isJsonObject } from '../../encoding/json.js';
import type { Jwk, JwsAlgorithm } from '../../ports.js';
import { webCryptoPort } from '../../jose/webcrypto.js';
import { createAssertion } from '../../oauth/assertion.js';
import type { ClientAuth } from '../../oauth/client-auth.js';
import { tokenRequest, type GrantType } from '../../oauth/request.js';
import { processTokenResponse } from '../../oauth/response.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorBytes, vectorNumber, vectorOptionalString, vectorString, vectorStringMap } from '../values.js';

function clientAuthOf(input: VectorInput): ClientAuth {
  const value = input.clientAuth;
  if (!isJsonObject(value)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "clientAuth" must be an object');
  const method = vectorString(value, 'method');
  const clientId = vectorOptionalString(value, 'clientId');
  const clientSecret = vectorOptionalString(value, 'clientSecret');
  const urlencode = value.urlencodeCredentials;
  if (urlencode !== undefined && typeof urlencode !== 'boolean') {
    throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "clientAuth.urlencodeCredentials" must be a boolean');
  }
  // Missing id or secret reach tokenRequest as empty strings, which it refuses as Kafka does.
  switch (method) {
    case 'client_secret_basic':
      return { method, clientId: clientId ?? '', clientSecret: clientSecret ?? '', urlencode: urlencode ?? false };
    case 'client_secret_post':
      return { method, clientId: clientId ?? '', clientSecret: clientSecret ?? '' };
    case 'private_key_jwt':
      return { method, clientAssertion: vectorOptionalString(value, 'clientAssertion') ?? '', ...(clientId === undefined ? {} : { clientId }) };
    case 'tls_client_auth':
      return { method, clientId: clientId ?? '' };
    case 'none':
      return clientId === undefined ? { method } : { method, clientId };
    default:
      throw new OAuthBearerError('ERR_VECTOR_FORMAT', `Unknown clientAuth.method "${method}"`);
  }
}

/** The oauth area's operations: `token.request`, `token.response`, `assertion.create` (assertions signed with WebCrypto). */
export const oauthOps: VectorOps = {
  'token.request': {
    run(input) {
      const scope = vectorOptionalString(input, 'scope');
      const assertion = vectorOptionalString(input, 'assertion');
      const request = tokenRequest({
        tokenEndpoint: vectorString(input, 'tokenEndpoint'),
        grantType: vectorString(input, 'grantType') as GrantType,
        clientAuth: clientAuthOf(input),
        ...(scope === undefined ? {} : { scope }),
        ...(assertion === undefined ? {} : { assertion }),
        params: [...vectorStringMap(input, 'params')],
      });
      return { method: request.method, url: request.url, headers: { ...request.headers }, body: request.body };
    },
  },
  'token.response': {
    run(input) {
      const response = processTokenResponse(
        { status: vectorNumber(input, 'status'), body: vectorBytes(input.body, 'body') },
        { nowMs: vectorNumber(input, 'nowMs') },
      );
      return { ...response };
    },
  },
  'assertion.create': {
    async run(input) {
      const privateKey = input.privateKey;
      const claims = input.claims;
      const header = input.header;
      if (!isJsonObject(privateKey)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "privateKey" must be a JWK object');
      if (!isJsonObject(claims)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "claims" must be an object');
      if (header !== undefined && !isJsonObject(header)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "header" must be an object');
      const kid = vectorOptionalString(input, 'kid');
      const made = await createAssertion({
        privateKey: privateKey as Jwk, alg: vectorString(input, 'alg') as JwsAlgorithm, claims,
        ...(kid === undefined ? {} : { kid }), ...(header === undefined ? {} : { header }),
      }, webCryptoPort);
      return { compact: made.compact, header: made.header, claims: made.claims };
    },
  },
};
