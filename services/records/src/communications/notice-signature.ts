import { WEBHOOK_SIGNATURE_HEADER } from '@gantry/platform';

/** The header that signs a notice POSTed to a channel: the one webhook signature of libs/platform (webhook-signature.ts). */
export const NOTICE_SIGNATURE_HEADER = WEBHOOK_SIGNATURE_HEADER;
/** The notice's id: the same on every attempt, so a receiver keeps one delivery per id. */
export const NOTICE_ID_HEADER = 'Gantry-Notice-Id';
