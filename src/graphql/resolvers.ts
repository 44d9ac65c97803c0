import { PushConnectionResolver } from '../connections/push-connection.resolver';
import { PushLogResolver } from '../delivery/push-log.resolver';

/** Every resolver class of the API; add new feature resolvers here. */
export const RESOLVERS = [PushConnectionResolver, PushLogResolver];
