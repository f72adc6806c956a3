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
export {
  applyMoves,
  isRosterDate,
  MAX_MOVES,
  MAX_ROSTER_ROWS,
  membershipsOn,
  parseMoves,
  parseRosterCsv,
  parseRosterJson,
  RosterError,
  UNKNOWN_MEMBER_POLICIES,
  unknownMembersOf,
  type Membership,
  type RosterErrorCode,
  type RosterImport,
  type RosterMember,
  type RosterMove,
  type RosterSnapshot,
  type RosterTeam,
  type UnknownMemberPolicy,
} from './roster';
export {
  alertRoomsFor,
  alertRoomsOf,
  alertRoomsOfSilence,
  alertScopeOf,
  inAlertScope,
  type AlertScope,
} from './alert-scope';
