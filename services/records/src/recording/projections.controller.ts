import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { Database, EventStore } from '@gantry/event-store';
import { rebuildProjections } from './projections';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/projections')
export class ProjectionsController {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  /** Empties records' projections and folds the whole ledger into them again; the live writer waits meanwhile. */
  @Post('rebuild')
  @HttpCode(200)
  @RequirePermission('projections:rebuild')
  rebuild() {
    return rebuildProjections(this.db, this.store.schema);
  }
}
