import { loadConfig } from '../../src/config/config';

describe('byte size settings', () => {
  it('accept a whole number of bytes', () => {
    const config = loadConfig({ DOCPUSH_UPLOAD_LIMIT: '1048576', DOCPUSH_RESPONSE_BODY_LIMIT: '0' });

    expect(config.attachments.uploadLimitBytes).toBe(1048576);
    expect(config.delivery.maxResponseBytes).toBe(0);
  });

  it('reject a unit suffix, naming bytes', () => {
    expect(() => loadConfig({ DOCPUSH_UPLOAD_LIMIT: '25MiB' })).toThrow(
      'DOCPUSH_UPLOAD_LIMIT="25MiB" is invalid: expected a whole number of bytes from 1 to 30408704 (29 MiB), such as 26214400 for 25 MiB.',
    );
  });

  it('state the maximum in whole units', () => {
    expect(() => loadConfig({ DOCPUSH_RESPONSE_BODY_LIMIT: '-1' })).toThrow(
      'expected a whole number of bytes from 0 to 16777216 (16 MiB), such as 65536 for 64 KiB.',
    );
    expect(() => loadConfig({ DOCPUSH_RENDER_CACHE_SIZE: '1.5' })).toThrow('from 0 to 17179869184 (16 GiB)');
    expect(() => loadConfig({ DOCPUSH_REQUEST_BODY_LIMIT: '1000' })).toThrow('from 1024 to 1073741824 (1 GiB)');
    expect(() => loadConfig({ DOCPUSH_MESSAGE_SIZE_LIMIT: '600MiB' })).toThrow('such as 52428800 for 50 MiB.');
  });
});
