import type { CredentialStatus } from './port.js';

/**
 * Input checks shared by every adapter, so each one rejects the same caller mistakes the same
 * way: a `TypeError` (caller misuse, never a domain error) naming the argument, never its value.
 */

const STATUSES: ReadonlySet<string> = new Set<CredentialStatus>(['active', 'disabled', 'revoked']);

/**
 * Throws `TypeError` unless `value` is unix seconds: a safe integer (the port's time unit).
 * @param value - the time to check.
 * @param name - the argument's name, for the message.
 */
export function checkUnixSeconds(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be integer unix seconds`);
}

/**
 * Like {@link checkUnixSeconds} but also accepts null (a time that is not set).
 * @param value - the time to check.
 * @param name - the argument's name, for the message.
 */
export function checkOptionalUnixSeconds(value: number | null, name: string): void {
  if (value !== null) checkUnixSeconds(value, name);
}

/**
 * Throws `TypeError` unless `value` is one of the port's credential statuses.
 * @param value - the status to check.
 */
export function checkCredentialStatus(value: CredentialStatus): void {
  if (!STATUSES.has(value)) throw new TypeError('status must be active, disabled or revoked');
}

/**
 * Throws `TypeError` unless `value` is a string; guards the ciphertext a `resealAll`
 * callback returns, since a non-string would otherwise be written into a secret column.
 * @param value - the value to check.
 * @param name - what it is, for the message.
 */
export function checkString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
}
