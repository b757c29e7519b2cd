import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { componentVersionProperties } from '@gantry/contracts';

const matches = (schema: { pattern: string; maxLength: number }, value: string) => value.length <= schema.maxLength && new RegExp(schema.pattern).test(value);

/** A component name in a path, as the contract allows it. */
export class NameParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!matches(componentVersionProperties.name, value)) throw new BadRequestException(['name is not a component name']);
    return value;
  }
}

/** A component version in a path, as the contract allows it. */
export class VersionParam implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!matches(componentVersionProperties.version, value)) throw new BadRequestException(['version is not a component version']);
    return value;
  }
}
