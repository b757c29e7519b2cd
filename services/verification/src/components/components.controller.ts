import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { RequirePermission } from '@gantry/auth';
import { componentVersionProperties, itamComponentEventSchemas, objectOf, text, type ComponentVersionDefinition } from '@gantry/contracts';
import { CommandContext, type HttpResponse, type RequestContext } from '@gantry/platform';
import { SchemaBody, SchemaParam } from '@gantry/platform';
import { AuthorisedRepository } from './authorised-repository';

const registration = itamComponentEventSchemas.ComponentVersionRegistered;
const withdrawal = objectOf({ reason: text() });
const NameParam = new SchemaParam(componentVersionProperties.name, 'a component name');
const VersionParam = new SchemaParam(componentVersionProperties.version, 'a component version');

/** The authorised repository over REST: the same definitions IT asset management sends on `itam.components.v1`. */
@ApiTags('components')
@ApiBearerAuth()
@Controller('components')
export class ComponentsController {
  constructor(private readonly repository: AuthorisedRepository) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('components:manage')
  @ApiBody({ schema: registration as SchemaObject })
  async register(@Body(new SchemaBody(registration)) body: ComponentVersionDefinition, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    const view = await this.repository.register(body, context);
    res.setHeader('Location', `/components/${encodeURIComponent(view.name)}/versions/${view.version}`);
    return view;
  }

  @Get()
  @RequirePermission('components:read')
  async list() {
    return { components: await this.repository.list() };
  }

  @Get(':name/versions')
  @RequirePermission('components:read')
  async versions(@Param('name', NameParam) name: string) {
    const [component] = await this.repository.list(name);
    return { name, versions: component?.versions ?? [] };
  }

  @Get(':name/versions/:version')
  @RequirePermission('components:read')
  async get(@Param('name', NameParam) name: string, @Param('version', VersionParam) version: string) {
    return this.repository.get(name, version);
  }

  @Post(':name/versions/:version/withdraw')
  @HttpCode(200)
  @RequirePermission('components:manage')
  @ApiBody({ schema: withdrawal as SchemaObject })
  async withdraw(
    @Param('name', NameParam) name: string,
    @Param('version', VersionParam) version: string,
    @Body(new SchemaBody(withdrawal)) body: { reason: string },
    @CommandContext() context: RequestContext,
  ) {
    return this.repository.withdraw(name, version, body.reason, context);
  }
}

