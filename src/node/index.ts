/**
 * oauthbearer/node: the Node.js adapters: the node:crypto port, HTTP and mutual-TLS ports, file-watched
 * credentials and JWKS files, a Kafka token retriever wired to them, and the Kafka socket drivers (a broker that
 * authenticates, a client that connects) over node:net and node:tls.
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
export { startBroker } from './net/broker.js';
export type { BrokerServerOptions, BrokerEvent, RunningBroker, ClientSoftware } from './net/broker.js';
export { connectBroker } from './net/client.js';
export type { BrokerConnectOptions, BrokerConnection, ClientEvent } from './net/client.js';
export { certificateThumbprint, loadTlsMaterial, sslClientAuth, SSL_CONFIG } from './net/tls.js';
export type { TlsMaterial, SslClientAuth } from './net/tls.js';
