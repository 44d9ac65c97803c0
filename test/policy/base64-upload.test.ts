import { ValidationError } from '../../src/common/errors';
import { decodeStrictBase64 } from '../../src/documents/file-input.check';

const MIB = 1024 * 1024;

/** Returns the ValidationError that decoding `text` raises. */
function decodeError(text: string, limitBytes = 100 * MIB): ValidationError {
  try {
    decodeStrictBase64('contentBase64', text, limitBytes);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error(`decoding ${JSON.stringify(text.slice(0, 20))} raised no error`);
}

describe('decodeStrictBase64', () => {
  it('names a supplementary character whole', () => {
    const error = decodeError('A\u{1F600}A');

    expect(error.message).toContain('has "\u{1F600}" at position 1,');
  });

  it('finds a late invalid character', () => {
    // About the largest text that the default request body limit (40 MiB) lets through. A
    // regular expression scans it in about 40 ms on a 2-core machine (measured by hand), where
    // spreading it into an array of characters took 1 to 2 s and about 1 GiB of memory.
    const text = `${'A'.repeat(39 * MIB)}!!!!`;

    const error = decodeError(text);

    expect(error.message).toContain(`has "!" at position ${39 * MIB},`);
  });

  it('names the first line break', () => {
    // GNU coreutils base64 wraps its output at 76 characters by default, so a pasted file has a
    // line break after every 76 characters and one at the end, whatever its length.
    const wrapped = `${Buffer.alloc(100, 7).toString('base64').match(/.{1,76}/g)!.join('\n')}\n`;

    const error = decodeError(wrapped);

    expect(error.message).toContain('has "\\n" at position 76,');
    expect(error.message).not.toContain('multiple of 4');
  });

  it('names the colon of a data URL', () => {
    const error = decodeError('data:text/plain;base64,aGVsbG8=');

    expect(error.message).toContain('has ":" at position 4,');
  });

  it('rejects padding before the end', () => {
    const error = decodeError('aGVsbG8=aGVsbG8=');

    expect(error.message).toBe('contentBase64 has "=" at position 7, but standard Base64 uses = only as padding at the end: encode the whole file at once, not in parts.');
  });
});
