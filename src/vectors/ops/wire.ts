/**
 * `wire.decode`, `wire.encode` and `broker.session` (FORMAT.md): Kafka's messages as Kafka's generated
 * `*JsonConverter.write` writes them (camelCase names, bytes as base64, unknown tagged fields left out), and one
 * connection to the broker machine (src/kafka/wire/broker.ts) from its first request to its close.
 * @module
 */
import { isJsonObject } from '../../encoding/json.js';
import { decodeBase64, encodeBase64 } from '../../encoding/base64.js';
import { OAuthBearerError, isOAuthBearerError } from '../../errors.js';
import { acceptAllExtensions } from '../../token.js';
import { API_KEY } from '../../kafka/wire/constants.js';
import { decodeRequest, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse } from '../../kafka/wire/codec.js';
import { createBrokerSession, type BrokerAction } from '../../kafka/wire/broker.js';
import { encodeFrame } from '../../kafka/wire/frame.js';
import type { VectorInput, VectorOps } from '../types.js';
import { vectorBytes, vectorFormatError, vectorNumber } from '../values.js';
import { extensionsFrom, validatorFrom } from './exchange.js';

/** Kafka's JSON form of a decoded value: bytes as base64, unknown tagged fields left out (JsonConverter.write). */
function toKafkaJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return encodeBase64(value);
  if (Array.isArray(value)) return value.map(toKafkaJson);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'unknownTaggedFields' && v !== undefined) out[k] = toKafkaJson(v);
    return out;
  }
  return value;
}

/** The bytes fields of these messages (all named `authBytes`), from Kafka's JSON base64 back to bytes. */
function fromKafkaJson(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => fromKafkaJson(v, `${path}[${i}]`));
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'authBytes') {
        if (typeof v !== 'string') return vectorFormatError(`Vector input "${path}.authBytes" must be a base64 string`);
        out[k] = decodeBase64(v, { canonical: false, what: `${path}.authBytes` });
      } else out[k] = fromKafkaJson(v, `${path}.${k}`);
    }
    return out;
  }
  return value;
}

/** The frame inside `bytes` (size prefix first); a size that runs past the bytes is an error. */
function oneFrame(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) throw new OAuthBearerError('ERR_KAFKA_FRAME', `A Kafka frame starts with a 4-byte size; the input has ${bytes.length} bytes`);
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0);
  if (size < 0 || size > bytes.length - 4) {
    throw new OAuthBearerError('ERR_KAFKA_FRAME', `The size prefix says ${size} bytes, but ${bytes.length - 4} follow it`);
  }
  return bytes.subarray(4, 4 + size);
}

function objectField(input: VectorInput, field: string): Record<string, unknown> {
  const value = input[field];
  if (!isJsonObject(value)) return vectorFormatError(`Vector input "${field}" must be an object`);
  return value;
}

function headerFields(header: Record<string, unknown>): { correlationId: number; clientId: string | null } {
  const correlationId = header.correlationId;
  if (typeof correlationId !== 'number') return vectorFormatError('Vector input "header.correlationId" must be a number');
  const clientId = header.clientId ?? null;
  if (clientId !== null && typeof clientId !== 'string') return vectorFormatError('Vector input "header.clientId" must be a string or null');
  return { correlationId, clientId };
}

function encodeRequestInput(request: Record<string, unknown>, what: string): Uint8Array {
  const apiKey = vectorNumber(request, 'apiKey');
  const apiVersion = vectorNumber(request, 'apiVersion');
  const header = request.header === undefined ? { correlationId: 0 } : request.header;
  if (!isJsonObject(header)) return vectorFormatError(`Vector input "${what}.header" must be an object`);
  const body = fromKafkaJson(request.body ?? {}, `${what}.body`) as object;
  return encodeRequest({ apiKey, apiVersion, ...headerFields(header), body });
}

/** A broker property as a number, or the fallback when absent. */
function numberProperty(config: Record<string, unknown>, name: string): number | undefined {
  const value = config[name];
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(n)) return vectorFormatError(`Vector input "config.${name}" must be a number as a string`);
  return n;
}

/** The operations, by name. */
export const wireOps: VectorOps = {
  'wire.decode': {
    run(input) {
      const bytes = vectorBytes(input.bytes, 'bytes');
      const frame = oneFrame(bytes);
      if (input.kind === 'request') {
        const { apiKey, apiVersion, header, body } = decodeRequest(frame);
        const headerJson: Record<string, unknown> = { requestApiKey: header.requestApiKey, requestApiVersion: header.requestApiVersion, correlationId: header.correlationId };
        if (decodeRequestHeader(frame).headerVersion >= 1) headerJson.clientId = header.clientId;
        return { apiKey, apiVersion, header: headerJson, body: toKafkaJson(body) };
      }
      if (input.kind === 'response') {
        const apiKey = vectorNumber(input, 'apiKey');
        const apiVersion = vectorNumber(input, 'apiVersion');
        const { header, body } = decodeResponse(frame, apiKey, apiVersion);
        return { apiKey, apiVersion, header: { correlationId: header.correlationId }, body: toKafkaJson(body) };
      }
      return vectorFormatError('Vector input "kind" must be "request" or "response"');
    },
  },
  'wire.encode': {
    run(input) {
      if (input.kind === 'request') return { bytes: encodeRequestInput(input, 'input') };
      if (input.kind === 'response') {
        const header = objectField(input, 'header');
        const body = fromKafkaJson(input.body ?? {}, 'body') as object;
        return { bytes: encodeResponse({ apiKey: vectorNumber(input, 'apiKey'), apiVersion: vectorNumber(input, 'apiVersion'), correlationId: headerFields(header).correlationId, body }) };
      }
      return vectorFormatError('Vector input "kind" must be "request" or "response"');
    },
  },
  'broker.session': {
    async run(input) {
      const spec = objectField(input, 'validator');
      const validator = validatorFrom(spec);
      const extensionsValidator = extensionsFrom(spec.extensions) ?? acceptAllExtensions;
      const config = input.config === undefined ? {} : objectField(input, 'config');
      const nowMs = vectorNumber(input, 'nowMs');
      if (!Array.isArray(input.events)) return vectorFormatError('Vector input "events" must be a list');
      const mechanisms = typeof config['sasl.enabled.mechanisms'] === 'string' ? config['sasl.enabled.mechanisms'].split(',').map((m) => m.trim()).filter((m) => m !== '') : undefined;
      const maxReauthMs = numberProperty(config, 'connections.max.reauth.ms');
      const maxReceiveBytes = numberProperty(config, 'sasl.server.max.receive.size');
      const idleTimeoutMs = numberProperty(config, 'connections.max.idle.ms');
      const failedAuthenticationDelayMs = numberProperty(config, 'connection.failed.authentication.delay.ms');
      const broker = createBrokerSession({
        broker: { nodeId: 0, host: 'localhost', port: 9092 },
        ...(mechanisms === undefined ? {} : { mechanisms }),
        ...(maxReauthMs === undefined ? {} : { maxReauthMs }),
        ...(maxReceiveBytes === undefined ? {} : { maxReceiveBytes }),
        ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
        ...(failedAuthenticationDelayMs === undefined ? {} : { failedAuthenticationDelayMs }),
      }, nowMs);

      let closed = false;
      let result: Record<string, unknown> = {};
      // Drains the broker's actions, answering validations; returns what it sent.
      const drain = async (at: number): Promise<Uint8Array[]> => {
        const sent: Uint8Array[] = [];
        for (let a: BrokerAction | null = broker.poll(); a !== null; a = broker.poll()) {
          switch (a.type) {
            case 'send':
              sent.push(a.bytes);
              break;
            case 'validate': {
              let verdict;
              try {
                verdict = { token: await validator(a.token, { nowMs: at }) };
              } catch (error) {
                verdict = { error };
              }
              broker.tokenValidated(verdict, at);
              break;
            }
            case 'check-extensions': {
              let verdict;
              try {
                verdict = await extensionsValidator(a.token, a.extensions);
              } catch (error) {
                verdict = { error };
              }
              broker.extensionsChecked(verdict, at);
              break;
            }
            case 'authenticated':
              result = { principal: a.principal, sessionLifetimeMs: a.sessionLifetimeMs };
              break;
            case 'close':
              closed = true;
              break;
            default:
              break;
          }
        }
        return sent;
      };

      const replies: unknown[] = [];
      for (const [i, event] of input.events.entries()) {
        if (!isJsonObject(event)) return vectorFormatError(`Vector input "events[${i}]" must be an object`);
        if (closed) {
          replies.push({ close: true });
          break;
        }
        const at = nowMs + vectorNumber(event, 'atMs');
        // Timers due before this event fire first (idle close, a failed connection's delayed answer).
        for (let t = broker.pollTimeout(); t !== null && t <= at && !closed; t = broker.pollTimeout()) {
          broker.handleTimeout(t);
          await drain(t);
        }
        if (closed) {
          replies.push({ close: true });
          break;
        }
        let bytes: Uint8Array;
        let request: { apiKey: number; apiVersion: number } | null = null;
        if (event.raw !== undefined) bytes = encodeFrame(vectorBytes(event.raw, `events[${i}].raw`));
        else if (isJsonObject(event.request)) {
          bytes = encodeRequestInput(event.request, `events[${i}].request`);
          request = { apiKey: vectorNumber(event.request, 'apiKey'), apiVersion: vectorNumber(event.request, 'apiVersion') };
        } else return vectorFormatError(`Vector input "events[${i}]" must hold "request" or "raw"`);
        broker.receive(bytes, at);
        const sent = await drain(at);
        // A failed connection answers after connection.failed.authentication.delay.ms: let that time pass.
        if (sent.length === 0 && !closed && broker.state === 'closed') {
          const t = broker.pollTimeout();
          if (t !== null) {
            broker.handleTimeout(t);
            sent.push(...(await drain(t)));
          }
        }
        if (sent.length === 0) {
          replies.push(closed ? { close: true } : {});
          if (closed) break;
          continue;
        }
        const frame = oneFrame(sent[0]!);
        if (request === null) {
          replies.push({ raw: frame });
          continue;
        }
        // An ApiVersions version the broker does not know is answered at v0 (KIP-511).
        const version = request.apiKey === API_KEY.API_VERSIONS && request.apiVersion > 4 ? 0 : request.apiVersion;
        let decoded;
        try {
          decoded = decodeResponse(frame, request.apiKey, version);
        } catch (err) {
          if (!isOAuthBearerError(err)) throw err;
          throw new OAuthBearerError('ERR_KAFKA_FRAME', `The broker's answer to events[${i}] does not decode: ${err.message}`, { cause: err });
        }
        const body = toKafkaJson(decoded.body) as Record<string, unknown>;
        // FORMAT.md: an ApiVersions response is compared on its errorCode only.
        const shown = request.apiKey === API_KEY.API_VERSIONS ? { errorCode: body.errorCode } : body;
        replies.push({ response: { header: { correlationId: decoded.header.correlationId }, body: shown } });
      }
      return { replies, ...result };
    },
  },
};
