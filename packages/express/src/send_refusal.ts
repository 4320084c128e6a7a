import type { RequestRefusedError } from '@keygate/client';
import type { Response } from 'express';

/** Answers a refused request: its status, `WWW-Authenticate`/`Retry-After` and JSON body. */
export function sendRefusal(res: Response, refusal: RequestRefusedError): void {
  res
    .status(refusal.status)
    .set({ ...refusal.headers(), 'cache-control': 'no-store' })
    .json(refusal.body());
}
