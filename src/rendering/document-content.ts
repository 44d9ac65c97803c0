/** File types a push connection can ask for, with Legito's names. */
export const FILE_TYPES = ['docx', 'pdf', 'pdfa', 'html', 'rtf', 'xml', 'odt', 'txt'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** One block of a generated document's structured content. */
export type ContentBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] }
  /** The record's properties as a two-column table (name, value). */
  | { kind: 'propertyTable'; caption?: string };

export interface DocumentContent {
  title: string;
  blocks: ContentBlock[];
}

/** A template's default layout design, used by every format that has pages. */
export interface TemplateLayout {
  pageSize: 'A4' | 'LETTER' | 'LEGAL';
  orientation: 'portrait' | 'landscape';
  /** Margins in millimetres. */
  margins: { top: number; right: number; bottom: number; left: number };
  fontFamily: 'sans' | 'serif' | 'mono';
  /** Body font size in points. */
  fontSize: number;
  headerText: string | null;
  footerText: string | null;
}

export const DEFAULT_LAYOUT: TemplateLayout = {
  pageSize: 'A4',
  orientation: 'portrait',
  margins: { top: 25, right: 20, bottom: 25, left: 20 },
  fontFamily: 'sans',
  fontSize: 11,
  headerText: null,
  footerText: null,
};

export interface RenderProperty {
  name: string;
  /** The value as display text; structured values are formatted by the caller. */
  value: string;
}

/** Everything a renderer needs: plain data, no ORM entities. */
export interface RenderInput {
  record: { id: number; code: string; name: string; created: Date; lastModified: Date; properties: RenderProperty[] };
  template: { id: number; name: string; layout: TemplateLayout };
  document: { id: number; version: number; content: DocumentContent };
}
