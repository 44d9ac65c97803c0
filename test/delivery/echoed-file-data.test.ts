import { randomBytes } from 'node:crypto';
import { fileDataAnchors, redactEchoedFileData, redactEchoedFileDataInBase64 } from '../../src/delivery/echoed-file-data';
import { REDACTED_FILE_DATA, type PushPayload } from '../../src/delivery/push-payload';

/** Base64 of random bytes, with slashes, so the escaped spelling differs from the plain one. */
function fileData(bytes: number): string {
  for (;;) {
    const data = randomBytes(bytes).toString('base64');
    if (data.slice(0, 64).includes('/')) return data;
  }
}

function payloadWith(...data: string[]): PushPayload {
  const uploaded = data.map((value, index) => ({ id: index + 1, fileName: `f${index}.bin`, data: value }));
  return { files: { uploaded } } as unknown as PushPayload;
}

describe('redactEchoedFileData', () => {
  it('replaces an echoed file', () => {
    const data = fileData(3000);
    const body = JSON.stringify({ files: { uploaded: [{ data }] } });

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(JSON.stringify({ files: { uploaded: [{ data: REDACTED_FILE_DATA }] } }));
  });

  it('replaces data with escaped slashes', () => {
    const data = fileData(3000);
    const body = `{"data":"${data.replaceAll('/', '\\/')}"}`;

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(`{"data":"${REDACTED_FILE_DATA}"}`);
  });

  it('replaces the cut end of a capped body', () => {
    const data = fileData(3000);
    const body = `{"echo":{"data":"${data}"}}`.slice(0, 2000);

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(`{"echo":{"data":"${REDACTED_FILE_DATA}`);
  });

  it('replaces data after a form field name', () => {
    const data = fileData(3000);
    const body = `name=scan.bin&data=${data}&size=3000`;

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(`name=scan.bin&data=${REDACTED_FILE_DATA}&size=3000`);
  });

  it('replaces data with escaped plus signs', () => {
    let data = fileData(3000);
    while (!data.slice(0, 64).includes('+')) data = fileData(3000);
    const body = `{"data":"${data.replaceAll('+', '\\u002B').replaceAll('/', '\\/')}"}`;

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(`{"data":"${REDACTED_FILE_DATA}"}`);
  });

  it('replaces a short cut end only when capped', () => {
    const data = fileData(3000);
    const body = `{"echo":{"data":"${data.slice(0, 20)}`;
    const anchors = fileDataAnchors(payloadWith(data));

    expect(redactEchoedFileData(body, anchors, true)).toBe(`{"echo":{"data":"${REDACTED_FILE_DATA}`);
    expect(redactEchoedFileData(body, anchors, false)).toBe(body);
  });

  it('replaces a small file only whole', () => {
    const data = Buffer.from('%PDF-1.7 kept').toString('base64');
    const body = `{"data":"${data}","longer":"${data}AAAA","inside":"AAAA${data}","word":"kept"}`;

    const redacted = redactEchoedFileData(body, fileDataAnchors(payloadWith(data)));

    expect(redacted).toBe(`{"data":"${REDACTED_FILE_DATA}","longer":"${data}AAAA","inside":"AAAA${data}","word":"kept"}`);
  });

  it('keeps other Base64 and text', () => {
    const data = fileData(3000);
    const other = fileData(3000);
    const body = `ok ${other} ${data.slice(1)}`;

    expect(redactEchoedFileData(body, fileDataAnchors(payloadWith(data)))).toBe(body);
  });

  it('leaves a body without anchors alone', () => {
    expect(redactEchoedFileData('{"ok":true}', [])).toBe('{"ok":true}');
  });
});

describe('redactEchoedFileDataInBase64', () => {
  it('replaces data and keeps other bytes', () => {
    const data = fileData(3000);
    const body = Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`{"data":"${data}"}`), Buffer.from([0xc3, 0xa9, 0x80])]);

    const redacted = Buffer.from(redactEchoedFileDataInBase64(body.toString('base64'), fileDataAnchors(payloadWith(data))), 'base64');

    expect(redacted).toEqual(Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from(`{"data":"${REDACTED_FILE_DATA}"}`), Buffer.from([0xc3, 0xa9, 0x80])]));
  });

  it('replaces a cut end only when cut', () => {
    const data = fileData(3000);
    const body = Buffer.concat([Buffer.from([0x00]), Buffer.from(`{"data":"${data.slice(0, 20)}`)]).toString('base64');
    const anchors = fileDataAnchors(payloadWith(data));

    expect(Buffer.from(redactEchoedFileDataInBase64(body, anchors, true), 'base64')).toEqual(Buffer.from(`\u0000{"data":"${REDACTED_FILE_DATA}`));
    expect(redactEchoedFileDataInBase64(body, anchors, false)).toBe(body);
  });
});
