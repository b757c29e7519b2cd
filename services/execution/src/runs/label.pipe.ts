import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** A gate name or manual step id in a path: printable, at most 400 characters. */
@Injectable()
export class LabelPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 400 || !/^[\x20-\x7e]+$/.test(value) || !/\S/.test(value)) {
      throw new BadRequestException('a gate name or step id is 1 to 400 printable characters');
    }
    return value;
  }
}
