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
});
