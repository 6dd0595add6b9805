// oidc-provider ships no type declarations; the integration test uses it as an untyped module.
declare module 'oidc-provider';
