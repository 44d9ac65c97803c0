import { MAX_QUOTED_ID_LENGTH, NotFoundError } from '../../src/common/errors';

describe('NotFoundError.of', () => {
  it.each([
    ['User', '42', 'id', 'User "42" was not found in this workspace: check the id, or list its users with the users query.'],
    [
      'Push connection',
      '7',
      'connectionId',
      'Push connection "7" was not found in this workspace: check connectionId, or list its push connections with the pushConnections query.',
    ],
    ['File', 3, 'id', `File "3" was not found in this workspace: check the id, or list a record's files with the files query.`],
    ['Push message', 'msg_1', 'id', 'Push message "msg_1" was not found in this workspace: check the id, or list its push messages with the pushMessages query.'],
  ])('names the fix for a %s id', (entity, id, field, message) => {
    expect(NotFoundError.of(entity, id, field).message).toBe(message);
  });

  it('falls back to checking the argument for an entity without a listing query', () => {
    expect(NotFoundError.of('Sample', '9').message).toBe('Sample "9" was not found in this workspace: check the id.');
    expect(NotFoundError.of('Sample', '9', 'sampleId').message).toBe('Sample "9" was not found in this workspace: check sampleId.');
  });

  it('keeps the NOT_FOUND code and the argument in the extensions', () => {
    const error = NotFoundError.of('Template', '5', 'templateId').toGraphQLError();

    expect(error.extensions).toEqual({ code: 'NOT_FOUND', field: 'templateId' });
  });

  it('defaults the argument to id', () => {
    expect(NotFoundError.of('Template', '5').toGraphQLError().extensions).toEqual({ code: 'NOT_FOUND', field: 'id' });
  });

  it('quotes only the start of a long id', () => {
    const id = '7'.repeat(100_000);

    const message = NotFoundError.of('User', id).message;

    expect(message).toBe(`User "${'7'.repeat(MAX_QUOTED_ID_LENGTH)}…" was not found in this workspace: check the id, or list its users with the users query.`);
  });
});
