export { homeScopes, mayRead, parseScope, scopeName, type Scope } from './access';
export { principalOf, ROLES, type AccessClaims, type ClaimsCheck, type Principal, type Role } from './principal';
export { entityOfRoom, roomsOf, type RoomEntity } from './rooms';
export { newSourceToken, parseSourceToken, secretMatches, type NewSourceToken } from './source-token';
