import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import openApi from '../fixtures/legito-push-api.openapi.json';

/**
 * Validates a pushed body against `PushResponse` of Legito's published Push API description
 * (OpenAPI 3.0, kept in test/fixtures). OpenAPI's `nullable` is honoured; its `example`,
 * `readOnly` and `discriminator` annotations carry no constraint here.
 */
export function validatePushResponse(body: unknown): { valid: boolean; errors: string[] } {
  const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'discriminator' });
  const validate = ajv.compile({ $ref: '#/components/schemas/PushResponse', components: openApi.components });
  const valid = validate(body) as boolean;
  return { valid, errors: (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`) };
}
