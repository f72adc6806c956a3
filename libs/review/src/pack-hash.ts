import { createHash } from 'node:crypto';
import { canonicalJson } from '#libs/events';

export const dataHashOf = (data: unknown): string => createHash('sha256').update(canonicalJson(data)).digest('hex');
