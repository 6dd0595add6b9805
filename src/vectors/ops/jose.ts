/** Conformance operations of src/jose/ (FORMAT.md `jwt.validate`, `jws.verify`), on the WebCrypto port. */
import type { Jwk } from '../../ports.js';
import { isJsonObject } from '../../encoding/json.js';
import { decodeBase64url } from '../../encoding/base64.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorBytes, vectorNumber, vectorString, vectorFormatError } from '../values.js';
import { isJwsAlgorithm } from '../../jose/algorithms.js';
import { createJwtValidator, type JwtValidatorOptions } from '../../jose/validator.js';
import { verifySignature } from '../../jose/jws.js';
import { webCryptoPort } from '../../jose/webcrypto.js';

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) vectorFormatError(`Vector input "${field}" must be a list of strings`);
  return value as string[];
}

function validatorOptions(input: VectorInput): Omit<JwtValidatorOptions, 'keys' | 'crypto'> {
  const options = input.options ?? {};
  if (!isJsonObject(options)) vectorFormatError('Vector input "options" must be an object');
  const algorithms = stringList(options.algorithms, 'options.algorithms');
  if (algorithms !== undefined && !algorithms.every(isJwsAlgorithm)) vectorFormatError('Vector input "options.algorithms" names an unknown algorithm');
  const skew = options.clockSkewSeconds;
  const str = (name: string): string | undefined => {
    const v = options[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') vectorFormatError(`Vector input "options.${name}" must be a string`);
    return v;
  };
  const binding = options.certificateBinding;
  if (binding !== undefined && binding !== 'check' && binding !== 'ignore') vectorFormatError('Vector input "options.certificateBinding" must be "check" or "ignore"');
  const maxTokenLength = options.maxTokenLength;
  if (maxTokenLength !== undefined && typeof maxTokenLength !== 'number') vectorFormatError('Vector input "options.maxTokenLength" must be a number');
  return {
    ...(binding === undefined ? {} : { certificateBinding: binding }),
    ...(maxTokenLength === undefined ? {} : { maxTokenLength }),
    audience: stringList(options.audience, 'options.audience'),
    issuer: str('issuer'),
    subClaimName: str('subClaimName'),
    scopeClaimName: str('scopeClaimName'),
    clockSkewSeconds: skew === undefined || skew === null ? undefined : Number(skew),
    algorithms: algorithms as JwtValidatorOptions['algorithms'],
  };
}

/** The operations, by name. */
export const joseOps: VectorOps = {
  'jwt.validate': {
    sets: ['scope'],
    async run(input) {
      const jwks = input.jwks;
      if (!isJsonObject(jwks)) vectorFormatError('Vector input "jwks" must be a JWKS object');
      const validator = createJwtValidator({ ...validatorOptions(input), keys: jwks as { keys: Jwk[] }, crypto: webCryptoPort, cacheEntries: 0 });
      const thumbprint = input.certificateThumbprint;
      if (thumbprint !== undefined && thumbprint !== null && typeof thumbprint !== 'string') vectorFormatError('Vector input "certificateThumbprint" must be a string or null');
      const token = await validator(vectorString(input, 'token'), {
        nowMs: vectorNumber(input, 'nowMs'),
        ...(thumbprint === undefined ? {} : { certificateThumbprint: thumbprint }),
      });
      return { principal: token.principal, scope: [...token.scope], lifetimeMs: token.lifetimeMs, startTimeMs: token.startTimeMs };
    },
  },
  'jws.verify': {
    async run(input) {
      const jwk = input.jwk;
      if (!isJsonObject(jwk)) vectorFormatError('Vector input "jwk" must be a JWK object');
      const signature = decodeBase64url(vectorString(input, 'signature'), { what: 'JWS signature' });
      await verifySignature(jwk as Jwk, vectorString(input, 'alg'), vectorBytes(input.signingInput, 'signingInput'), signature, webCryptoPort);
      return {};
    },
  },
};
