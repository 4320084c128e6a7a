import type { WssePolicyConfig } from '../config/keygate_config.js';
import { type WsseFailure, wsseFailure } from './wsse_failure.js';

/**
 * W-5: a Created time is valid while `now − lifetime ≤ Created ≤ now + futureSkew`
 * (lifetime −1: no lower bound). Returns null when inside the window.
 */
export function checkCreatedWindow(
  createdMs: number,
  nowMs: number,
  policy: Pick<WssePolicyConfig, 'lifetimeSeconds' | 'futureSkewSeconds'>,
): WsseFailure | null {
  const latest = nowMs + policy.futureSkewSeconds * 1000;
  if (createdMs > latest) {
    return wsseFailure(
      'created_in_future',
      `Created is ${formatSeconds(createdMs - nowMs)} ahead of the server clock (${new Date(nowMs).toISOString()}); at most ${policy.futureSkewSeconds} s is allowed. Check the client's clock and time zone.`,
    );
  }
  if (policy.lifetimeSeconds >= 0 && createdMs < nowMs - policy.lifetimeSeconds * 1000) {
    return wsseFailure(
      'expired',
      `Created is ${formatSeconds(nowMs - createdMs)} old; headers are valid for ${policy.lifetimeSeconds} s (server time ${new Date(nowMs).toISOString()}). Generate a fresh header for every request.`,
    );
  }
  return null;
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
