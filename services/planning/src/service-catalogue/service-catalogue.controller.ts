import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, CommandContext, expectedVersionFrom, SchemaBody, SchemaParam, type HttpResponse, type RequestContext } from '@gantry/platform';
import { registerServiceBody, serviceNameSchema, updateServiceBody, type ServiceDefinition, type UpdateServiceBody } from '@gantry/contracts';
import { ServiceCatalogue, type ServiceView } from './service-catalogue';

const ServiceNameParam = new SchemaParam(serviceNameSchema, 'a service name (1–200 characters, no space at either end)');

@ApiTags('services')
@ApiBearerAuth()
@Controller('services')
export class ServiceCatalogueController {
  constructor(private readonly catalogue: ServiceCatalogue) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('services:manage')
  @ApiBodyFrom(registerServiceBody)
  async register(@Body(new SchemaBody(registerServiceBody)) body: ServiceDefinition, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.catalogue.register(body, context));
  }

  @Put(':name')
  @RequirePermission('services:manage')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(updateServiceBody)
  async update(
    @Param('name', ServiceNameParam) name: string,
    @Body(new SchemaBody(updateServiceBody)) body: UpdateServiceBody,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    return withHeaders(res, await this.catalogue.update({ ...body, name }, expected, context));
  }

  @Get()
  @RequirePermission('services:read')
  async list() {
    return { services: await this.catalogue.list() };
  }

  @Get(':name')
  @RequirePermission('services:read')
  async get(@Param('name', ServiceNameParam) name: string, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.catalogue.get(name));
  }
}

const withHeaders = (res: HttpResponse, view: ServiceView) => {
  res.setHeader('ETag', `"${view.version}"`);
  res.setHeader('Location', `/services/${encodeURIComponent(view.name)}`);
  return view;
};
