// Reads PDFs with pdfjs-dist in a plain Node process, because Jest's CommonJS runtime cannot
// load pdfjs-dist's ES modules. Input on stdin: a JSON array of Base64 PDFs. Output on stdout:
// a JSON array with, per PDF, the page count, each page's text, text items and size, the document information,
// the raw XMP metadata and every font that the pages select.
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function pageText(textContent) {
  let text = '';
  for (const item of textContent.items) {
    if (!('str' in item)) continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
  }
  return text;
}

/** Returns each text item of a page with the position of its baseline's start, in points from the page's bottom left corner. */
function pageItems(textContent) {
  return textContent.items
    .filter((item) => 'str' in item && item.str !== '')
    .map((item) => ({ text: item.str, x: item.transform[4], y: item.transform[5], width: item.width, height: item.height }));
}

async function pageFonts(page) {
  const operators = await page.getOperatorList();
  const fonts = [];
  for (let index = 0; index < operators.fnArray.length; index++) {
    if (operators.fnArray[index] !== OPS.setFont) continue;
    const font = page.commonObjs.get(operators.argsArray[index][0]);
    fonts.push({ name: font.name, type: font.type, embedded: font.missingFile === false });
  }
  return fonts;
}

async function inspect(base64) {
  const data = new Uint8Array(Buffer.from(base64, 'base64'));
  const pdf = await getDocument({ data, verbosity: 0, disableFontFace: true, fontExtraProperties: true, useSystemFonts: false }).promise;
  const pages = [];
  const items = [];
  const pageSizes = [];
  const fonts = [];
  for (let number = 1; number <= pdf.numPages; number++) {
    const page = await pdf.getPage(number);
    const textContent = await page.getTextContent();
    pages.push(pageText(textContent));
    items.push(pageItems(textContent));
    const [left, bottom, right, top] = page.view;
    pageSizes.push([right - left, top - bottom]);
    fonts.push(...(await pageFonts(page)));
  }
  const { info, metadata } = await pdf.getMetadata();
  await pdf.destroy();
  return { numPages: pdf.numPages, pages, items, pageSizes, info, xmp: metadata ? metadata.getRaw() : null, fonts };
}

const inputs = JSON.parse(await readStdin());
const results = [];
for (const base64 of inputs) results.push(await inspect(base64));
process.stdout.write(JSON.stringify(results));
