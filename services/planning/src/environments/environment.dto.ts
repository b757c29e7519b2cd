import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ENVIRONMENT_KINDS, WEEKDAYS } from '@gantry/contracts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;
const LOCAL_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const TARGET_KINDS = ['host', 'site', 'cluster', 'tenant', 'location'] as const;

/** A `{ "key": "value" }` map of short strings (labels, runtime versions). */
const isStringMap = (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.keys(value).length <= 50 &&
  Object.entries(value).every(([k, v]) => k.length > 0 && k.length <= 100 && typeof v === 'string' && v.length > 0 && v.length <= 200);

const IsStringMap = () => ValidateBy({ name: 'isStringMap', validator: { validate: isStringMap, defaultMessage: (a) => `${a?.property} must map up to 50 keys to non-empty strings of at most 200 characters` } });

export class WeeklyWindowDto {
  @ApiProperty({ enum: WEEKDAYS, isArray: true }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(7) @IsIn(WEEKDAYS, { each: true }) days!: (typeof WEEKDAYS)[number][];
  @ApiProperty({ example: '22:00' }) @Matches(LOCAL_TIME, { message: 'start must be a local time HH:MM' }) start!: string;
  @ApiProperty({ example: '04:00', description: 'at or before start: the next day' }) @Matches(LOCAL_TIME, { message: 'end must be a local time HH:MM' }) end!: string;
}

export class FreezeDto {
  @ApiProperty() @IsString() @MaxLength(100) @Matches(NAME) id!: string;
  @ApiProperty() @IsString() @MaxLength(2000) @Matches(/\S/) reason!: string;
  @ApiPropertyOptional({ type: [String], description: 'absent: the whole environment' })
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(200) @IsString({ each: true }) @Matches(NAME, { each: true })
  services?: string[];
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) start?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601({ strict: true }) end?: string;
  @ApiPropertyOptional({ type: WeeklyWindowDto }) @IsOptional() @IsObject() @ValidateNested() @Type(() => WeeklyWindowDto) weekly?: WeeklyWindowDto;
}

export class TargetDto {
  @ApiProperty() @IsString() @MaxLength(200) @Matches(NAME) name!: string;
  @ApiProperty({ enum: TARGET_KINDS }) @IsIn(TARGET_KINDS) kind!: (typeof TARGET_KINDS)[number];
  @ApiPropertyOptional() @IsOptional() @IsStringMap() labels?: Record<string, string>;
}

export class AttributesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) @Matches(/^\S(?:.*\S)?$/) operatingSystem?: string;
  @ApiPropertyOptional() @IsOptional() @IsStringMap() runtimeVersions?: Record<string, string>;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1_000_000_000) capacityUnits?: number;
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsInt({ each: true }) @Min(1, { each: true }) @Max(65535, { each: true }) allowedPorts?: number[];
}

export class ApprovalPolicyDto {
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMaxSize(20) @IsString({ each: true }) @MaxLength(64, { each: true }) @Matches(NAME, { each: true }) roles!: string[];
  @ApiProperty() @IsInt() @Min(0) @Max(20) minimumApprovers!: number;
}

/** The definition of an environment (PUT /environments/{name}); the name comes from the path. */
export class EnvironmentDefinitionDto {
  @ApiProperty({ enum: ENVIRONMENT_KINDS }) @IsIn(ENVIRONMENT_KINDS) kind!: (typeof ENVIRONMENT_KINDS)[number];
  @ApiProperty({ description: 'position in the flow of environments, 1 = first' }) @IsInt() @Min(1) @Max(100) position!: number;
  @ApiProperty({ type: AttributesDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => AttributesDto) attributes!: AttributesDto;
  @ApiProperty({ type: [TargetDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @ValidateNested({ each: true }) @Type(() => TargetDto) targets!: TargetDto[];
  @ApiProperty({ example: 'Europe/Berlin' }) @IsString() @MaxLength(64) @Matches(/^[A-Za-z0-9_+\-/]+$/) timeZone!: string;
  @ApiProperty({ type: [WeeklyWindowDto], description: 'empty: deployments at any time' })
  @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => WeeklyWindowDto)
  deploymentWindows!: WeeklyWindowDto[];
  @ApiProperty({ type: [FreezeDto] }) @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => FreezeDto) freezes!: FreezeDto[];
  @ApiProperty({ type: ApprovalPolicyDto }) @IsDefined() @IsObject() @ValidateNested() @Type(() => ApprovalPolicyDto) approvalPolicy!: ApprovalPolicyDto;
}

export class RegisterEnvironmentDto extends EnvironmentDefinitionDto {
  @ApiProperty({ example: 'production' }) @IsString() @MaxLength(100) @Matches(NAME) name!: string;
}

export class DecommissionEnvironmentDto {
  @ApiProperty() @IsString() @MaxLength(2000) @Matches(/\S/) reason!: string;
}
