import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { COMPONENT_KINDS, COMPONENT_SOURCES, DEPLOYMENT_KINDS, ENVIRONMENT_KINDS } from '@gantry/contracts';

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/;

/** A model version's content; its shape is checked against the contract's schema (`DeploymentModelContent`). */
export class ModelContentDto {
  @ApiProperty({ description: 'DeploymentModelContent, see contracts/src/model-review.ts', type: 'object', additionalProperties: true })
  @IsDefined()
  @IsObject()
  content!: Record<string, unknown>;
}

export class ReviseModelDto extends ModelContentDto {
  @ApiPropertyOptional({ description: 'the review that asked for the revision' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  @Matches(IDENTIFIER)
  reviewId?: string;
}

export class PublishModelDto {
  @ApiProperty({ description: 'the draft version to publish', example: 2 }) @IsInt() @Min(1) @Max(1_000_000) version!: number;
}

export class RetireModelDto {
  @ApiProperty({ example: 'replaced by platform-web' }) @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

export class ModelQueryDto {
  @ApiPropertyOptional({ enum: ['draft', 'active', 'retired'] }) @IsOptional() @IsIn(['draft', 'active', 'retired']) status?: 'draft' | 'active' | 'retired';
  @ApiPropertyOptional({ enum: DEPLOYMENT_KINDS }) @IsOptional() @IsIn(DEPLOYMENT_KINDS) deploymentKind?: string;
  @ApiPropertyOptional({ enum: COMPONENT_KINDS }) @IsOptional() @IsIn(COMPONENT_KINDS) componentKind?: string;
  @ApiPropertyOptional({ enum: COMPONENT_SOURCES }) @IsOptional() @IsIn(COMPONENT_SOURCES) componentSource?: string;
  @ApiPropertyOptional({ enum: ENVIRONMENT_KINDS }) @IsOptional() @IsIn(ENVIRONMENT_KINDS) environmentKind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(100) serviceTag?: string;
}
