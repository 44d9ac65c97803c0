import { FILE_TYPES, type FileType, type RenderInput } from '../../src/rendering/document-content';
import { RenderCache, renderCacheKey } from '../../src/rendering/render-cache';
import { RenderError, renderDocument } from '../../src/rendering/render.service';
import { buildSampleInput, withBlocks } from './sample-input';

/** Wraps a render callback so that the test can count its calls. */
function counted(render: () => Promise<Buffer>) {
  const counter = {
    renders: 0,
    render: () => {
      counter.renders++;
      return render();
    },
  };
  return counter;
}

function countingRender(input: RenderInput, fileType: FileType) {
  return counted(() => renderDocument(input, fileType));
}

/** Returns a render input with its own document id, and a counted callback that returns a file of `size` bytes. */
function sizedEntry(documentId: number, size: number) {
  const input = buildSampleInput();
  input.document.id = documentId;
  return { input, counter: counted(() => Promise.resolve(Buffer.alloc(size, documentId))) };
}

describe('renderCacheKey', () => {
  const changes: Array<[string, (input: RenderInput) => void]> = [
    ['record id', (input) => (input.record.id += 1)],
    ['record code', (input) => (input.record.code = 'another-code')],
    ['record name', (input) => (input.record.name = 'Service Agreement 2025')],
    ['record created', (input) => (input.record.created = new Date('2025-02-14T09:30:01.000Z'))],
    ['record lastModified', (input) => (input.record.lastModified = new Date('2025-02-21T16:05:42.000Z'))],
    ['property value', (input) => (input.record.properties[4].value = 'EUR 13,000.00 excluding VAT')],
    ['property name', (input) => (input.record.properties[4].name = 'Monthly price')],
    ['property added', (input) => input.record.properties.push({ name: 'Notes', value: '' })],
    ['template id', (input) => (input.template.id += 1)],
    ['template name', (input) => (input.template.name = 'Price Annex')],
    ['page size', (input) => (input.template.layout.pageSize = 'LETTER')],
    ['orientation', (input) => (input.template.layout.orientation = 'landscape')],
    ['margin', (input) => (input.template.layout.margins.left += 1)],
    ['font family', (input) => (input.template.layout.fontFamily = 'serif')],
    ['font size', (input) => (input.template.layout.fontSize += 0.5)],
    ['header text', (input) => (input.template.layout.headerText = null)],
    ['footer text', (input) => (input.template.layout.footerText = 'Internal')],
    ['document id', (input) => (input.document.id += 1)],
    ['document version', (input) => (input.document.version += 1)],
    ['content title', (input) => (input.document.content.title = 'Amended Service Agreement')],
    ['content block', (input) => input.document.content.blocks.push({ kind: 'paragraph', text: 'Amendment 1' })],
  ];

  test.each(changes)('changes with %s', (_name, change) => {
    const input = buildSampleInput();
    const before = renderCacheKey(input, 'pdf');
    change(input);
    expect(renderCacheKey(input, 'pdf')).not.toBe(before);
  });

  test('same input gives same key', () => {
    expect(renderCacheKey(structuredClone(buildSampleInput()), 'docx')).toBe(renderCacheKey(buildSampleInput(), 'docx'));
  });

  test('differs by file type', () => {
    const keys = FILE_TYPES.map((fileType) => renderCacheKey(buildSampleInput(), fileType));
    expect(new Set(keys).size).toBe(FILE_TYPES.length);
  });

  test('starts with document id, version and file type', () => {
    expect(renderCacheKey(buildSampleInput(), 'pdfa')).toMatch(/^9001:3:pdfa:[A-Za-z0-9_-]{43}$/);
  });
});

describe('RenderCache', () => {
  test('second request is a hit', async () => {
    const cache = new RenderCache();
    const input = buildSampleInput();
    const counter = countingRender(input, 'docx');

    const first = await cache.getOrRender(input, 'docx', counter.render);
    const second = await cache.getOrRender(structuredClone(input), 'docx', counter.render);

    expect(counter.renders).toBe(1);
    expect(second).toBe(first);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, coalesced: 0, evictions: 0, oversized: 0, entries: 1, bytes: first.length });
  });

  test('concurrent requests share one render', async () => {
    const cache = new RenderCache();
    const input = buildSampleInput();
    const counter = countingRender(input, 'pdf');

    const files = await Promise.all([1, 2, 3].map(() => cache.getOrRender(input, 'pdf', counter.render)));

    expect(counter.renders).toBe(1);
    expect(files[1]).toBe(files[0]);
    expect(files[2]).toBe(files[0]);
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 2, hits: 0, entries: 1 });
  });

  test('failed render is shared, not stored', async () => {
    const cache = new RenderCache();
    const input = withBlocks(buildSampleInput(), [{ kind: 'heading', level: 7, text: 'Too deep' } as never]);
    const counter = countingRender(input, 'odt');

    const outcomes = await Promise.allSettled([1, 2].map(() => cache.getOrRender(input, 'odt', counter.render)));
    expect(counter.renders).toBe(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(RenderError);
    }
    expect(cache.stats()).toMatchObject({ misses: 1, coalesced: 1, entries: 0, bytes: 0 });

    await expect(cache.getOrRender(input, 'odt', counter.render)).rejects.toThrow('heading level 7');
    expect(counter.renders).toBe(2);
  });

  test('least recently used is evicted', async () => {
    const cache = new RenderCache({ maxBytes: 300, maxEntryShare: 1 });
    const [a, b, c, d] = [1, 2, 3, 4].map((documentId) => sizedEntry(documentId, 100));
    for (const entry of [a, b, c]) await cache.getOrRender(entry.input, 'txt', entry.counter.render);
    // A hit makes `a` the most recently used, so `b` is the oldest when `d` needs room.
    await cache.getOrRender(a.input, 'txt', a.counter.render);

    await cache.getOrRender(d.input, 'txt', d.counter.render);
    expect(cache.stats()).toMatchObject({ evictions: 1, entries: 3, bytes: 300 });

    await cache.getOrRender(a.input, 'txt', a.counter.render);
    await cache.getOrRender(c.input, 'txt', c.counter.render);
    expect(a.counter.renders).toBe(1);
    expect(c.counter.renders).toBe(1);
    await cache.getOrRender(b.input, 'txt', b.counter.render);
    expect(b.counter.renders).toBe(2);
  });

  test('oversized file is not stored', async () => {
    const cache = new RenderCache({ maxBytes: 1000, maxEntryShare: 0.1 });
    const small = sizedEntry(1, 100);
    const large = sizedEntry(2, 101);

    expect((await cache.getOrRender(large.input, 'pdf', large.counter.render)).length).toBe(101);
    await cache.getOrRender(large.input, 'pdf', large.counter.render);
    await cache.getOrRender(small.input, 'pdf', small.counter.render);
    await cache.getOrRender(small.input, 'pdf', small.counter.render);

    expect(large.counter.renders).toBe(2);
    expect(small.counter.renders).toBe(1);
    expect(cache.stats()).toMatchObject({ oversized: 2, entries: 1, bytes: 100 });
  });

  test('maxBytes 0 stores nothing', async () => {
    const cache = new RenderCache({ maxBytes: 0 });
    const entry = sizedEntry(1, 0);

    await cache.getOrRender(entry.input, 'txt', entry.counter.render);
    await cache.getOrRender(entry.input, 'txt', entry.counter.render);

    expect(entry.counter.renders).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  test.each([
    ['maxBytes -1', { maxBytes: -1 }],
    ['maxBytes 1.5', { maxBytes: 1.5 }],
    ['maxBytes NaN', { maxBytes: Number.NaN }],
    ['maxEntryShare 0', { maxEntryShare: 0 }],
    ['maxEntryShare 1.5', { maxEntryShare: 1.5 }],
    ['maxEntryShare NaN', { maxEntryShare: Number.NaN }],
  ])('rejects %s', (label, options) => {
    expect(() => new RenderCache(options)).toThrow(RangeError);
    expect(() => new RenderCache(options)).toThrow(`${label} is invalid`);
  });
});
