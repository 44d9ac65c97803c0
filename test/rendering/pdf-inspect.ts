import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface PdfInspection {
  numPages: number;
  /** Text of each page as pdfjs extracts it, with a line break where pdfjs reports one. */
  pages: string[];
  /** Text items of each page, with the start of each item's baseline in points from the page's bottom left corner. */
  items: PdfTextItem[][];
  /** Width and height of each page in points (1/72 in). */
  pageSizes: Array<[number, number]>;
  /** The document information dictionary and pdfjs's PDFFormatVersion. */
  info: Record<string, unknown>;
  /** The raw XMP metadata packet, or null when the PDF has none. */
  xmp: string | null;
  /** Every font a page selects: its PostScript name, type and whether its file is embedded. */
  fonts: Array<{ name: string; type: string; embedded: boolean }>;
}

/** A run of text that pdfjs reports, with its width and font height in points. */
export interface PdfTextItem {
  text: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const SCRIPT = join(__dirname, 'pdf-inspect.cli.mjs');
const TIMEOUT_MS = 20_000;

/** Reads PDFs with pdfjs-dist in a child Node process and returns one inspection per PDF. */
export function inspectPdfs(pdfs: Buffer[]): Promise<PdfInspection[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(JSON.parse(Buffer.concat(stdout).toString('utf8')) as PdfInspection[]);
      reject(new Error(`pdf-inspect.cli.mjs exited with code ${code} (signal ${signal}): ${Buffer.concat(stderr).toString('utf8')}`));
    });
    child.stdin.end(JSON.stringify(pdfs.map((pdf) => pdf.toString('base64'))));
  });
}

/** Joins the pages' text and collapses whitespace, because pdfjs splits lines and runs. */
export function pdfText(inspection: PdfInspection): string {
  return inspection.pages.join('\n').replace(/\s+/g, ' ');
}
