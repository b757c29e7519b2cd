import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { createAjv, firstProblem, type JsonSchema } from '@gantry/contracts';

const ajv = createAjv();

/**
 * Checks a request body against a JSON Schema (the contract's, where the body is a contract payload): one way to
 * validate the bodies whose shape the contract already defines, with the contract's wording of the first problem.
 */
export class SchemaBody implements PipeTransform {
  private readonly validate;

  constructor(schema: JsonSchema) {
    this.validate = ajv.compile(schema);
  }

  transform(value: unknown): unknown {
    const problem = firstProblem(this.validate, value);
    if (problem) throw new BadRequestException([problem]);
    return value;
  }
}

/** A path parameter checked against a JSON Schema (a name, a version, a key id as the contract allows them). */
export class SchemaParam implements PipeTransform<string, string> {
  private readonly validate;

  constructor(
    schema: JsonSchema,
    private readonly what: string,
  ) {
    this.validate = ajv.compile(schema);
  }

  transform(value: string): string {
    if (!this.validate(value)) throw new BadRequestException([`${JSON.stringify(String(value).slice(0, 100))} is not ${this.what}`]);
    return value;
  }
}
