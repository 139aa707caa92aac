/** File types read by the rich-document extractors (in their own process); kept apart so settings can list them cheaply. */
export const DOCUMENT_FILE_TYPES = ['pdf', 'docx', 'odt', 'pptx', 'rtf', 'epub', 'html', 'htm', 'xhtml', 'eml', 'mbox'] as const;
