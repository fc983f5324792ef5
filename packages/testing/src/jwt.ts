import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** JWT helpers for token-attack tests; signing uses node:crypto only. */
export type Claims = Record<string, unknown>;

export const b64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeJwt(token: string): { header: Claims; payload: Claims; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const part = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString()) as Claims;
  return { header: part(header), payload: part(payload), signature };
}

/** An RS256 JWT over exactly the given header and payload (no claims added). */
export function signJwt(payload: Claims, key: KeyObject, header: Claims = {}): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', ...header })}.${b64url(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(key).toString('base64url');
  return `${input}.${signature}`;
}

/** The token with its payload changed and the original signature kept. */
export function alterPayload(token: string, changes: Claims): string {
  const { header, payload, signature } = decodeJwt(token);
  return `${b64url(header)}.${b64url({ ...payload, ...changes })}.${signature}`;
}

/**
 * cognito-local signs every token with one key pair that ships inside its npm package (kid
 * `CognitoLocal`). Anyone can forge its tokens, which is why its issuer is refused outside the
 * local stage; here it lets a test change one claim of an otherwise genuine token.
 */
export function cognitoLocalKey(): KeyObject {
  const pkg = dirname(createRequire(import.meta.url).resolve('cognito-local/package.json'));
  const { pem } = JSON.parse(
    readFileSync(join(pkg, 'lib/keys/cognitoLocal.private.json'), 'utf8'),
  ) as { pem: string };
  return createPrivateKey(pem);
}

export const COGNITO_LOCAL_KID = 'CognitoLocal';
