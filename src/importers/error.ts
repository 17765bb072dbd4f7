/**
 * The one error every importer raises for a problem with its input, the source's answer or the
 * result: its message is printed as it is, and `file`/`field` say where the problem is.
 */

/** Where an import problem is: the file (or address) read or written, and the field or option. */
export interface ImportErrorContext {
  file?: string;
  field?: string;
}

/** A problem with the input, the payload or the result, worded for the person running the import. */
export class ImportError extends Error {
  readonly file: string | undefined;
  readonly field: string | undefined;

  constructor(message: string, context: ImportErrorContext = {}) {
    super(message);
    this.name = 'ImportError';
    this.file = context.file;
    this.field = context.field;
  }
}
