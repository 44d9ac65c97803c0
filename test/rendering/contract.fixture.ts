import { DEFAULT_LAYOUT, type ContentBlock, type RenderInput, type TemplateLayout } from '../../src/rendering/document-content';

export interface ContractFixtureOptions {
  /** Layout fields that replace the defaults (A4 portrait, 11 pt sans, header and footer set). */
  layout?: Partial<TemplateLayout>;
  recordName?: string;
  /** Blocks appended after the agreement's last section. */
  extraBlocks?: ContentBlock[];
}

/** The record properties of the fixture, in table order. */
export const CONTRACT_PROPERTIES = [
  { name: 'Provider', value: 'Northwind Consulting s.r.o., Na Příkopě 12, 110 00 Praha 1' },
  { name: 'Client', value: 'Contoso Manufacturing Ltd., 48 Harbour Road, Bristol BS1 5TY' },
  { name: 'Effective date', value: '2025-03-01' },
  { name: 'Initial term', value: '24 months' },
  { name: 'Monthly fee', value: 'EUR 12,450.00 excluding VAT' },
  { name: 'Payment terms', value: '30 days from the invoice date' },
  { name: 'Governing law', value: 'Laws of the Czech Republic' },
  { name: 'Contract owner', value: 'Jana Nováková' },
];

const PARAGRAPHS = {
  preamble:
    'This Service Agreement (the "Agreement") is entered into on the Effective Date by and between the Provider and the Client named in the table above, each a "Party" and together the "Parties".',
  recital:
    'The Client engages the Provider to operate its document automation platform.',
  scope1:
    'The Provider shall deliver the following services (the "Services") with professional care.',
  scope2:
    'Any other service requires a written change request signed by both Parties.',
  levels1:
    'The Provider shall meet the service levels below in each calendar month, excluding maintenance windows announced five business days in advance.',
  levels2:
    'After two consecutive missed months, the Client may require a remediation plan.',
  fees1:
    'The Client shall pay the Monthly Fee stated in the table above. The Provider shall invoice the fee monthly in advance, and each invoice is payable within the payment terms.',
  fees2:
    'Late payments bear interest at the statutory rate. The Provider may suspend the Services after thirty days\' written notice of an unpaid undisputed amount.',
  fees3:
    'The Monthly Fee may be adjusted once per year by no more than the change in the euro area consumer price index.',
  confidentiality1:
    'Each Party shall keep confidential all information marked as such by the other Party.',
  confidentiality2:
    'This does not apply to public information or to disclosures required by law.',
  confidentiality3: 'The obligations of this section survive the termination of this Agreement for five years.',
  data1:
    'Where the Provider processes personal data for the Client, the Parties shall conclude a data processing agreement under Regulation (EU) 2016/679.',
  data2:
    'The Provider shall store the Client\'s data only in the European Economic Area and report any breach without undue delay.',
  liability1:
    'Neither Party is liable for indirect or consequential loss, including loss of profit.',
  liability2:
    'Each Party\'s total liability in any contract year is limited to the fees payable in that year, except for breaches of confidentiality and wilful misconduct.',
  term1:
    'This Agreement starts on the Effective Date and continues for the Initial Term. It then renews for periods of twelve months unless either Party gives ninety days\' notice of non-renewal.',
  term2: 'Either Party may terminate this Agreement with immediate effect by written notice if the other Party:',
  term3:
    'On termination, the Provider shall return or delete the Client\'s data as the Client instructs and assist with the transition for up to three months.',
  general1:
    'This Agreement is the entire agreement between the Parties on its subject matter. Amendments are valid only in writing and signed by both Parties.',
  general2:
    'An invalid provision does not affect the validity of the others.',
  general3:
    'Disputes arising from this Agreement shall be settled by the courts of Prague.',
  signatures: 'Signed by the authorised representatives of the Parties.',
  signatureProvider: 'For the Provider: ______________________    Date: ____________',
  signatureClient: 'For the Client: ______________________    Date: ____________',
};

function paragraph(text: string): ContentBlock {
  return { kind: 'paragraph', text };
}

function heading(text: string, level: 1 | 2 | 3 = 1): ContentBlock {
  return { kind: 'heading', level, text };
}

/** Returns the agreement's blocks: 9 sections, 25 paragraphs, 4 lists and the property table. */
export function serviceAgreementBlocks(): ContentBlock[] {
  const p = PARAGRAPHS;
  return [
    { kind: 'propertyTable', caption: 'Contract details' },
    paragraph(p.preamble),
    paragraph(p.recital),
    heading('1. Scope of services'),
    paragraph(p.scope1),
    { kind: 'list', ordered: false, items: ['Hosting and operation of the platform in two availability zones', 'Second-line support on business days from 8:00 to 18:00 CET', 'Monthly security updates and quarterly feature releases', 'Daily encrypted backups kept for 35 days'] },
    paragraph(p.scope2),
    heading('2. Service levels'),
    paragraph(p.levels1),
    { kind: 'list', ordered: true, items: ['Platform availability of at least 99.9 % per month', 'Response to critical incidents within 1 hour', 'Resolution or workaround of critical incidents within 8 hours'] },
    paragraph(p.levels2),
    heading('3. Fees and payment'),
    paragraph(p.fees1),
    paragraph(p.fees2),
    paragraph(p.fees3),
    heading('4. Confidentiality'),
    paragraph(p.confidentiality1),
    paragraph(p.confidentiality2),
    paragraph(p.confidentiality3),
    heading('5. Data protection'),
    paragraph(p.data1),
    paragraph(p.data2),
    heading('6. Liability'),
    paragraph(p.liability1),
    paragraph(p.liability2),
    heading('7. Term and termination'),
    paragraph(p.term1),
    paragraph(p.term2),
    { kind: 'list', ordered: true, items: ['commits a material breach that remains unremedied 30 days after written notice', 'becomes insolvent or enters into liquidation', 'ceases to carry on business'] },
    paragraph(p.term3),
    heading('8. General provisions'),
    paragraph(p.general1),
    paragraph(p.general2),
    paragraph(p.general3),
    heading('9. Signatures'),
    paragraph(p.signatures),
    { kind: 'list', ordered: false, items: ['Annex 1: Service description', 'Annex 2: Data processing agreement'] },
    paragraph(p.signatureProvider),
    paragraph(p.signatureClient),
  ];
}

/**
 * Builds the render input of a realistic two-page service agreement (A4, 11 pt) with a header,
 * a footer and eight record properties. Dates and ids are fixed so output is comparable.
 */
export function buildServiceAgreementInput(options: ContractFixtureOptions = {}): RenderInput {
  return {
    record: {
      id: 174081,
      code: 'b3f1c2d4e5a6978812345678901234567890abcd',
      name: options.recordName ?? 'Service Agreement',
      created: new Date('2025-02-14T09:30:00.000Z'),
      lastModified: new Date('2025-02-20T16:05:42.000Z'),
      properties: CONTRACT_PROPERTIES.map((property) => ({ ...property })),
    },
    template: {
      id: 42,
      name: 'Service Agreement',
      layout: { ...DEFAULT_LAYOUT, headerText: 'Northwind Consulting – Service Agreement', footerText: 'Confidential', ...options.layout },
    },
    document: {
      id: 9001,
      version: 3,
      content: { title: 'Service Agreement', blocks: [...serviceAgreementBlocks(), ...(options.extraBlocks ?? [])] },
    },
  };
}
