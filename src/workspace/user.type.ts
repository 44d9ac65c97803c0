import { User } from './user.entity';
import { ConnectionType } from '../graphql/pagination';

export const UserConnection = ConnectionType(User, 'User');
