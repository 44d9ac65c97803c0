import { Field, ID, ObjectType } from 'type-graphql';
import { User } from './user.entity';
import type { Workspace } from './workspace.entity';

@ObjectType('Workspace', { simpleResolvers: true, description: "The caller's workspace: the tenant that every other object belongs to." })
export class WorkspaceType {
  @Field(() => ID, { description: 'The workspace id.' })
  id!: number;

  @Field({ description: 'Display name.' })
  name!: string;

  @Field(() => User, { nullable: true, description: 'The user that acts where an action has no acting user.' })
  defaultApiUser!: User | null;
}

export function toWorkspaceType(workspace: Workspace): WorkspaceType {
  return { id: workspace.id, name: workspace.name, defaultApiUser: workspace.defaultApiUser };
}
