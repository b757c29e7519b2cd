import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { HttpResponse } from './errors';

/**
 * Optimistic concurrency over HTTP: the stream version is the ETag (`"3"`), and a mutation of an existing resource
 * names the version it changes in If-Match. A stale one becomes 412 where the command runs (StaleVersion).
 */
const ETAG = /^(?:W\/)?"?(\d{1,9})"?$/;

const parse = (ifMatch: string): number => {
  const match = ETAG.exec(ifMatch.trim());
  if (!match) throw new BadRequestException('If-Match must be an ETag such as "3", as the last read returned it');
  return Number(match[1]);
};

/** Required If-Match: without it 428, malformed 400. */
export const expectedVersionFrom = (ifMatch: string | undefined): number => {
  if (ifMatch === undefined || ifMatch === '') {
    throw new HttpException({ statusCode: 428, error: 'PRECONDITION_REQUIRED', message: 'If-Match is required: send the ETag you last read' }, HttpStatus.PRECONDITION_REQUIRED);
  }
  return parse(ifMatch);
};

/** If-Match where a command is safe to repeat without it; when given, it must be current. */
export const optionalExpectedVersion = (ifMatch: string | undefined): number | undefined =>
  ifMatch === undefined || ifMatch === '' ? undefined : parse(ifMatch);

/** Sets the view's ETag; with the If-None-Match of a read that already has this version, answers 304 and no body. */
export const withETag = <View extends { version: number }>(res: HttpResponse, view: View, ifNoneMatch?: string): View | undefined => {
  const etag = `"${view.version}"`;
  res.setHeader('ETag', etag);
  if (ifNoneMatch !== undefined && ifNoneMatch === etag) {
    res.status(304);
    return undefined;
  }
  return view;
};
