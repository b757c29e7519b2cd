import { applyDecorators, BadRequestException, type PipeTransform } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { createAjv, firstProblem, type BodyRule, type JsonSchema } from '@gantry/contracts';
import type { ValidateFunction } from 'ajv/dist/2020';

const ajv = createAjv();
/** Query strings arrive as text: `limit=10` is coerced to the number the schema asks for. */
const queryAjv = createAjv({ coerceTypes: true });

/** The first problem of a value: against the schema, then against the rules across fields the schema cannot say. */
export const problemOf = <T>(validate: ValidateFunction, rules: readonly BodyRule<T>[], value: unknown): string | null =>
  firstProblem(validate, value) ?? rules.reduce<string | null>((problem, rule) => problem ?? rule(value as T), null);

/**
 * Checks a request body against the contract's JSON Schema, then against its named rules across fields (a window
 * that ends after it starts): the one way HTTP and gRPC bodies are validated, with the contract's wording of the
 * first problem, as `400 { message: [problem] }`.
 */
export class SchemaBody<T = unknown> implements PipeTransform {
  private readonly validate: ValidateFunction;

  constructor(
    schema: JsonSchema,
    private readonly rules: readonly BodyRule<T>[] = [],
    compiler: typeof ajv = ajv,
  ) {
    this.validate = compiler.compile(schema);
  }

  transform(value: unknown): T {
    const problem = problemOf(this.validate, this.rules, value);
    if (problem) throw new BadRequestException([problem]);
    return value as T;
  }
}

/** A body that may be left out (a door that took none before): none is checked as `{}`. */
export class OptionalSchemaBody<T = unknown> extends SchemaBody<T> {
  override transform(value: unknown): T {
    return super.transform(value ?? {});
  }
}

/** The query string checked the same way, its numbers and booleans coerced from their text (on a copy of it). */
export class SchemaQuery<T = unknown> extends SchemaBody<T> {
  constructor(schema: JsonSchema, rules: readonly BodyRule<T>[] = []) {
    super(schema, rules, queryAjv);
  }

  override transform(value: unknown): T {
    return super.transform({ ...(value as object) });
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

/** OpenAPI for a query string, from the schema that validates it: one `@ApiQuery` per property. */
export const ApiQueryFrom = (schema: { properties: Record<string, object>; required?: readonly string[] }) =>
  applyDecorators(
    ...Object.entries(schema.properties).map(([name, property]) => ApiQuery({ name, required: schema.required?.includes(name) ?? false, schema: property as SchemaObject })),
  );

/** OpenAPI for a body, from the schema that validates it; `required: false` for one that may be left out. */
export const ApiBodyFrom = (schema: object, { required = true } = {}) => ApiBody({ schema: schema as SchemaObject, required });
