import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@gantry/auth';
import { ApiBodyFrom, CommandContext, expectedVersionFrom, SchemaBody, SchemaParam, type HttpResponse, type RequestContext } from '@gantry/platform';
import { registerSupplierBody, supplierNameSchema, updateSupplierBody, type SupplierDefinition, type UpdateSupplierBody } from '@gantry/contracts';
import { Suppliers, type SupplierView } from './suppliers';

const SupplierNameParam = new SchemaParam(supplierNameSchema, 'a supplier name (lowercase letters, digits and "-", at most 63)');

@ApiTags('suppliers')
@ApiBearerAuth()
@Controller('suppliers')
export class SuppliersController {
  constructor(private readonly suppliers: Suppliers) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('suppliers:manage')
  @ApiBodyFrom(registerSupplierBody)
  async register(@Body(new SchemaBody(registerSupplierBody)) body: SupplierDefinition, @CommandContext() context: RequestContext, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.suppliers.register(body, context));
  }

  @Put(':name')
  @RequirePermission('suppliers:manage')
  @ApiHeader({ name: 'If-Match', required: true, description: 'the ETag last read' })
  @ApiBodyFrom(updateSupplierBody)
  async update(
    @Param('name', SupplierNameParam) name: string,
    @Body(new SchemaBody(updateSupplierBody)) body: UpdateSupplierBody,
    @Headers('if-match') ifMatch: string | undefined,
    @CommandContext() context: RequestContext,
    @Res({ passthrough: true }) res: HttpResponse,
  ) {
    const expected = expectedVersionFrom(ifMatch);
    return withHeaders(res, await this.suppliers.update({ ...body, name }, expected, context));
  }

  @Get()
  @RequirePermission('suppliers:read')
  async list() {
    return { suppliers: await this.suppliers.list() };
  }

  @Get(':name')
  @RequirePermission('suppliers:read')
  async get(@Param('name', SupplierNameParam) name: string, @Res({ passthrough: true }) res: HttpResponse) {
    return withHeaders(res, await this.suppliers.get(name));
  }
}

const withHeaders = (res: HttpResponse, view: SupplierView) => {
  res.setHeader('ETag', `"${view.version}"`);
  res.setHeader('Location', `/suppliers/${encodeURIComponent(view.name)}`);
  return view;
};
