import {
  createParamDecorator,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Principal, Role } from '#libs/access';
import { bearerOf, Unauthorized } from './auth';
import { AccessService } from './access.service';

type Authenticated = Request & { principal?: Principal };

// @Roles('admin'): only these roles; without it any signed-in role passes.
export const Roles = Reflector.createDecorator<Role[]>();

// Every request to a guarded controller carries a bearer token; its principal goes on the request.
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Authenticated>();
    try {
      req.principal = await this.access.verifier.verify(bearerOf(req.headers.authorization));
    } catch (err) {
      if (err instanceof Unauthorized) throw new UnauthorizedException(err.message);
      throw err;
    }
    const roles = this.reflector.getAllAndOverride(Roles, [context.getHandler(), context.getClass()]);
    if (roles !== undefined && !roles.includes(req.principal.role))
      throw new ForbiddenException(`forbidden: this needs the role ${roles.join(' or ')}`);
    return true;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<Authenticated>().principal;
  if (principal === undefined) throw new UnauthorizedException('unauthorized: a bearer token is required');
  return principal;
});
