import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

export class DenyGateDto {
  @ApiProperty({ example: 'no rollback rehearsal on record' }) @IsString() @MaxLength(2000) @Matches(/\S/) reason!: string;
}

export class RollbackDecisionDto {
  @ApiProperty({ description: 'true: roll back; false: end the run failed (after an inconclusive canary: continue)' }) @IsDefined() @IsBoolean() rollback!: boolean;
}

export class EvidenceDto {
  @ApiProperty({ example: 'photo of the cabled shelf' }) @IsString() @MaxLength(500) @Matches(/\S/) description!: string;
  @ApiProperty({ example: 'https://evidence.example/photos/rack-b7.jpg' }) @IsString() @MaxLength(1000) @Matches(/\S/) reference!: string;
}

export class CompleteManualStepDto {
  @ApiProperty({ type: [EvidenceDto] }) @IsDefined() @IsArray() @ArrayMaxSize(20) @ValidateNested({ each: true }) @Type(() => EvidenceDto) evidence!: EvidenceDto[];
}
