/** Conformance operations of src/sasl/ (FORMAT.md `gs2.encode`, `gs2.decode`, `challenge.*`, `client.exchange`). */
import { OAuthBearerError } from '../../errors.js';
import { decodeClientResponse, encodeClientResponse, type Gs2Profile } from '../../sasl/gs2.js';
import { decodeErrorChallenge, encodeErrorChallenge } from '../../sasl/challenge.js';
import { createClient } from '../../sasl/client.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorBytes, vectorOptionalString, vectorString, vectorStringMap } from '../values.js';

function optionalPort(input: VectorInput): number | undefined {
  const port = input.port;
  if (port === undefined || port === null) return undefined;
  if (typeof port !== 'number') throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "port" must be a number');
  return port;
}

function profileOf(input: VectorInput): Gs2Profile {
  const profile = input.profile ?? 'rfc7628';
  if (profile !== 'rfc7628' && profile !== 'kafka') {
    throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "profile" must be "rfc7628" or "kafka"');
  }
  return profile;
}

/** The gs2.encode / client.exchange fields, with only the keys the vector gives. */
function responseFields(input: VectorInput) {
  const authzid = vectorOptionalString(input, 'authzid');
  const host = vectorOptionalString(input, 'host');
  const port = optionalPort(input);
  return {
    token: vectorString(input, 'token'),
    extensions: vectorStringMap(input, 'extensions'),
    ...(authzid === undefined ? {} : { authzid }),
    ...(host === undefined ? {} : { host }),
    ...(port === undefined ? {} : { port }),
  };
}

export const saslOps: VectorOps = {
  'gs2.encode': {
    run(input) {
      return { message: encodeClientResponse(responseFields(input)) };
    },
  },
  'gs2.decode': {
    run(input) {
      const max = input.maxMessageBytes;
      if (max !== undefined && typeof max !== 'number') throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "maxMessageBytes" must be a number');
      const r = decodeClientResponse(vectorBytes(input.message, 'message'), {
        profile: profileOf(input),
        ...(max === undefined ? {} : { maxMessageBytes: max }),
      });
      return {
        authzid: r.authzid,
        authzidRaw: r.authzidRaw,
        token: r.token,
        scheme: r.scheme,
        host: r.host,
        port: r.port,
        extensions: Object.fromEntries(r.extensions),
      };
    },
  },
  'challenge.encode': {
    run(input) {
      const style = input.style ?? 'compact';
      if (style !== 'compact' && style !== 'kafka') throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "style" must be "compact" or "kafka"');
      const scope = vectorOptionalString(input, 'scope');
      const openidConfiguration = vectorOptionalString(input, 'openidConfiguration');
      return {
        message: encodeErrorChallenge(
          { status: vectorString(input, 'status'), ...(scope === undefined ? {} : { scope }), ...(openidConfiguration === undefined ? {} : { openidConfiguration }) },
          { style },
        ),
      };
    },
  },
  'challenge.decode': {
    run(input) {
      const c = decodeErrorChallenge(vectorBytes(input.message, 'message'));
      return { status: c.status, scope: c.scope, openidConfiguration: c.openidConfiguration };
    },
  },
  'client.exchange': {
    run(input) {
      const serverMessages = input.serverMessages;
      if (!Array.isArray(serverMessages)) throw new OAuthBearerError('ERR_VECTOR_FORMAT', 'Vector input "serverMessages" must be an array');
      const client = createClient(responseFields(input));
      const messages: Uint8Array[] = [client.start()];
      serverMessages.forEach((m, i) => {
        const step = client.receive(vectorBytes(m, `serverMessages[${i}]`));
        if (step.action === 'send') messages.push(step.message);
      });
      switch (client.state) {
        case 'success':
          return { messages, state: 'success' };
        case 'awaiting-failure': {
          // After %x01 the server can only report the failure (RFC 7628 §3.2.3).
          const c = client.challenge;
          return {
            messages,
            state: 'failure',
            error: c === null ? null : { status: c.status, scope: c.scope, openidConfiguration: c.openidConfiguration },
          };
        }
        default:
          throw new OAuthBearerError('ERR_VECTOR_FORMAT', `The server messages leave the client ${client.state}; they must end the exchange`);
      }
    },
  },
};
