/**
 * oauthbearer/node: the Node.js adapters: the node:crypto port, HTTP and mutual-TLS ports, file-watched
 * credentials and JWKS files, and a Kafka token retriever wired to them.
 * @module oauthbearer/node
 */
export { nodeCryptoPort, createNodeCryptoPort, nodeBase64url } from './crypto.js';
export { fetchHttp, tlsHttp } from './http.js';
export type { TlsHttpOptions } from './http.js';
export { watchedFile, fileAssertionSource, privateKeyFileSource, templateFileSource, tokenFileSource, nodeFileSources } from './files.js';
export type { WatchedFile } from './files.js';
export { jwksFile, remoteJwks } from './jwks.js';
export type { NodeRemoteJwksOptions } from './jwks.js';
export { nodeRetrieverPorts, kafkaTokenRetriever } from './token-retriever.js';
export { startTokenHolder, sleepMs } from './holder.js';
export type { RunningTokenHolder } from './holder.js';
export { kafkaTokenSource, LOGIN_CALLBACK_HANDLERS } from './providers/source.js';
export type { KafkaTokenSource, KafkaTokenSourceOptions, CurrentToken } from './providers/source.js';
