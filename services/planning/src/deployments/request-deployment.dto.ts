import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsBoolean,
  IsNumber,
  Max,
  Min,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { ACCEPTANCE_CRITERION_TYPES, CHANGE_TYPES, COMPONENT_KINDS, DEPLOYMENT_KINDS, METRIC_COMPARATORS } from '@gantry/contracts';
import { DEPLOYMENT_STATUSES } from './deployment-status';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

export class ComponentDto {
  @ApiProperty({ example: 'payments-api' }) @IsString() @MaxLength(200) @Matches(NAME) name!: string;
  @ApiProperty({ example: '2.4.1' }) @IsString() @MaxLength(100) @Matches(NAME) version!: string;
  @ApiProperty({ enum: COMPONENT_KINDS }) @IsIn(COMPONENT_KINDS) kind!: (typeof COMPONENT_KINDS)[number];
  @ApiPropertyOptional({ example: `sha256:${'a'.repeat(64)}` })
  @IsOptional()
  @Matches(/^sha256:[0-9a-f]{64}$/, { message: 'digest must be sha256:<64 lowercase hex digits>' })
  digest?: string;
}

/** The window's end must come after its start: a window that ends first is malformed, not a rule to weigh. */
const EndsAfterStart = (options?: ValidationOptions) => (target: object, propertyName: string) =>
  registerDecorator({
    name: 'endsAfterStart',
    target: target.constructor,
    propertyName,
    options: { message: 'window.end must be after window.start', ...options },
    validator: {
      validate: (end: unknown, args: ValidationArguments) =>
        typeof end === 'string' && Date.parse(end) > Date.parse((args.object as { start?: string }).start ?? ''),
    },
  });

/** Fields that contradict each other: a model and `adHoc: true`, a window and `nextAvailable`. */
const NotWith = (other: string) => (target: object, propertyName: string) =>
  registerDecorator({
    name: 'notWith',
    target: target.constructor,
    propertyName,
    options: { message: `${propertyName} and ${other} exclude each other` },
    validator: {
      validate: (_: unknown, args: ValidationArguments) => {
        const value = (args.object as Record<string, unknown>)[other];
        return value === undefined || value === false;
      },
    },
  });

export class WindowDto {
  @ApiProperty({ example: '2026-12-01T22:00:00Z' }) @IsISO8601({ strict: true }) start!: string;
  @ApiProperty({ example: '2026-12-01T23:00:00Z' }) @IsISO8601({ strict: true }) @EndsAfterStart() end!: string;
}

/** One acceptance criterion; which parameters apply depends on the type (checked against the contract's schema). */
export class AcceptanceCriterionDto {
  @ApiProperty({ enum: ACCEPTANCE_CRITERION_TYPES }) @IsIn(ACCEPTANCE_CRITERION_TYPES) type!: (typeof ACCEPTANCE_CRITERION_TYPES)[number];
  @ApiProperty() @IsString() @MaxLength(2000) description!: string;
  @ApiPropertyOptional({ description: 'http-health: the URL probed' }) @IsOptional() @IsString() @MaxLength(2048) url?: string;
  @ApiPropertyOptional({ description: 'http-health' }) @IsOptional() @IsInt() @Min(100) @Max(599) expectedStatus?: number;
  @ApiPropertyOptional({ description: 'http-health: one probe\'s timeout' }) @IsOptional() @IsInt() @Min(1) @Max(600000) timeoutMs?: number;
  @ApiPropertyOptional({ description: 'http-health: probes in a row that must succeed' }) @IsOptional() @IsInt() @Min(1) @Max(100) consecutiveSuccesses?: number;
  @ApiPropertyOptional({ description: 'http-health: how long the probes may take' }) @IsOptional() @IsInt() @Min(1) @Max(86400) deadlineSeconds?: number;
  @ApiPropertyOptional({ description: 'metric-threshold: the metric compared' }) @IsOptional() @IsString() @MaxLength(200) metric?: string;
  @ApiPropertyOptional({ enum: METRIC_COMPARATORS }) @IsOptional() @IsIn(METRIC_COMPARATORS) comparator?: (typeof METRIC_COMPARATORS)[number];
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) threshold?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(604800) windowSeconds?: number;
  @ApiPropertyOptional({ description: 'smoke-tests: the suite' }) @IsOptional() @IsString() @MaxLength(200) suite?: string;
  @ApiPropertyOptional({ description: 'manual-evidence: the role that provides it' }) @IsOptional() @IsString() @MaxLength(64) evidenceRole?: string;
}

export class NextAvailableDto {
  @ApiProperty({ minimum: 1, maximum: 10080 }) @IsInt() @Min(1) @Max(10080) durationMinutes!: number;
}

export class FreezeOverrideDto {
  @ApiProperty({ description: 'why the emergency change must deploy inside the freeze' }) @IsString() @MaxLength(2000) @Matches(/\S/) reason!: string;
}

/** The body of POST /deployments; unknown fields are refused. */
export class RequestDeploymentDto {
  @ApiProperty({ example: 'CHG0031337' }) @IsString() @MaxLength(100) @Matches(NAME) changeId!: string;
  @ApiProperty({ enum: CHANGE_TYPES }) @IsIn(CHANGE_TYPES) changeType!: (typeof CHANGE_TYPES)[number];
  @ApiProperty({ example: 'authorised', description: 'the change state in change enablement; only an authorised change is planned' })
  @IsString() @MaxLength(64) @Matches(NAME)
  changeState!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) @Matches(NAME) releaseId?: string;
  @ApiProperty({ example: 'payments' }) @IsString() @MaxLength(200) @Matches(NAME) service!: string;
  @ApiProperty({ enum: DEPLOYMENT_KINDS }) @IsIn(DEPLOYMENT_KINDS) kind!: (typeof DEPLOYMENT_KINDS)[number];
  @ApiProperty({ type: [ComponentDto] })
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => ComponentDto)
  components!: ComponentDto[];
  @ApiProperty({ example: 'production' }) @IsString() @MaxLength(100) @Matches(NAME) environment!: string;
  @ApiPropertyOptional({ type: [String], description: 'targets inside the environment; default: one target named after it' })
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsString({ each: true }) @MaxLength(200, { each: true }) @Matches(NAME, { each: true })
  targets?: string[];
  @ApiPropertyOptional({ type: WindowDto, description: 'the desired window; or `nextAvailable`' })
  @ValidateIf((o: RequestDeploymentDto) => o.nextAvailable === undefined)
  @IsDefined({ message: 'window (or nextAvailable) is required' }) @IsObject() @ValidateNested() @Type(() => WindowDto)
  window?: WindowDto;
  @ApiPropertyOptional({ type: NextAvailableDto, description: 'the earliest free window of this length, chosen by planning; excludes `window`' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => NextAvailableDto) @NotWith('window')
  nextAvailable?: NextAvailableDto;
  @ApiProperty({ type: [AcceptanceCriterionDto] })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => AcceptanceCriterionDto)
  acceptanceCriteria!: AcceptanceCriterionDto[];
  @ApiPropertyOptional({ description: 'deployment model name; absent: the single active model that applies' })
  @IsOptional() @IsString() @MaxLength(200) @Matches(NAME) @NotWith('adHoc')
  model?: string;
  @ApiPropertyOptional({ description: 'true: plan without an agreed model (recorded as ad hoc)' }) @IsOptional() @IsBoolean() adHoc?: boolean;
  @ApiPropertyOptional({ type: FreezeOverrideDto, description: 'emergency changes only, deployment managers only' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => FreezeOverrideDto)
  freezeOverride?: FreezeOverrideDto;
}

export class CancelDeploymentDto {
  @ApiProperty() @IsString() @MaxLength(2000) @Matches(/\S/) reason!: string;
}

export class RescheduleDeploymentDto {
  @ApiProperty({ type: WindowDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => WindowDto) window!: WindowDto;
}

export class ListDeploymentsQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) @Matches(NAME) environment?: string;
  @ApiPropertyOptional({ enum: DEPLOYMENT_STATUSES, description: 'the status GET /deployments/:id answers' }) @IsOptional() @IsIn(DEPLOYMENT_STATUSES) status?: (typeof DEPLOYMENT_STATUSES)[number];
  @ApiPropertyOptional({ maximum: 500 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}
