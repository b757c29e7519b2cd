import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';

/**
 * The stream version an `If-Match` header names (`"3"`). Every mutation of an existing resource requires it:
 * without it 428, malformed 400; a stale one becomes 412 where the command runs.
 */
export const expectedVersionFrom = (ifMatch: string | undefined): number => {
  if (ifMatch === undefined) throw new HttpException({ statusCode: 428, error: 'PRECONDITION_REQUIRED', message: 'If-Match is required: send the ETag you last read' }, HttpStatus.PRECONDITION_REQUIRED);
  const match = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
  if (!match) throw new BadRequestException('If-Match must be an ETag such as "3"');
  return Number(match[1]);
};
