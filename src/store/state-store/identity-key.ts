import type { IdentityKey, IdentityKind } from './port.js';

export function identityKey(kind: IdentityKind, value: string): IdentityKey {
  return `${kind}:${value}`;
}

export function splitIdentityKey(key: IdentityKey): [IdentityKind, string] {
  const colon = key.indexOf(':');
  return [key.slice(0, colon) as IdentityKind, key.slice(colon + 1)];
}
