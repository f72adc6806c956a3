export { homeScopes, mayRead, parseScope, scopeName, type Scope } from './access';
export {
  DEFAULT_MAX_LIFETIMES,
  formatSpan,
  principalOf,
  ROLES,
  type AccessClaims,
  type ClaimsCheck,
  type Lifetimes,
  type Principal,
  type Role,
  type TokenPolicy,
} from './principal';
export { entityOfRoom, roomsOf, type RoomEntity } from './rooms';
export { newSourceToken, parseSourceToken, secretMatches, type NewSourceToken } from './source-token';
