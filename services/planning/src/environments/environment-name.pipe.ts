import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** An environment's name in a path: the same characters as in a body, at most 100. */
@Injectable()
export class EnvironmentNameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,99}$/.test(value)) throw new BadRequestException('the environment name must be 1–100 letters, digits or ._:@+-');
    return value;
  }
}
