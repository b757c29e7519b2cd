import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { INITIATIVE_STATUSES, REVIEW_DECISIONS, type InitiativeStatus, type ReviewDecision } from '@gantry/contracts';

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const LABEL = /^\S(?:.*\S)?$/;

export class OpenReviewDto {
  @ApiProperty({ example: 'in-house-software-ci-cd' }) @IsString() @MaxLength(100) @Matches(MODEL_NAME, { message: 'model must be a model name' }) model!: string;
  @ApiProperty({ example: 'quarterly check after the payment incidents' }) @IsString() @MinLength(1) @MaxLength(2000) reason!: string;
}

export class RecordFindingDto {
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(500) summary!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(5000) detail?: string;
}

export class RegisterInitiativeDto {
  @ApiProperty({ example: 'Finer canary steps' }) @IsString() @MinLength(1) @MaxLength(200) @Matches(LABEL, { message: 'title must not start or end with spaces' }) title!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) description!: string;
  @ApiProperty({ example: 'deployment-manager' }) @IsString() @MinLength(1) @MaxLength(64) @Matches(LABEL, { message: 'ownerRole must not start or end with spaces' }) ownerRole!: string;
  @ApiProperty({ example: '2027-02-01' }) @IsISO8601({ strict: true }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dueDate must be a date, yyyy-mm-dd' }) dueDate!: string;
}

export class RequestChangeDto {
  @ApiProperty({ example: 'Start canaries at 1% of the targets.' }) @IsString() @MinLength(1) @MaxLength(2000) summary!: string;
}

export class CloseReviewDto {
  @ApiProperty({ enum: REVIEW_DECISIONS }) @IsIn(REVIEW_DECISIONS) decision!: ReviewDecision;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(2000) rationale!: string;
}

export class ReviewQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) @Matches(MODEL_NAME, { message: 'model must be a model name' }) model?: string;
  @ApiPropertyOptional({ enum: ['open', 'closed'] }) @IsOptional() @IsIn(['open', 'closed']) status?: 'open' | 'closed';
}

export class ChangeInitiativeStatusDto {
  @ApiProperty({ enum: INITIATIVE_STATUSES }) @IsIn(INITIATIVE_STATUSES) status!: InitiativeStatus;
}
