/**
 * Why a path given by a caller was refused. The names cross process boundaries (the web host turns them
 * into HTTP statuses, the UI may branch on them), so each class sets `name`. They live here, beside
 * InvalidArgumentsError, because they are part of the API's contract and because both search and the
 * service throw them: search sits below the service and may not import from it.
 */

/** The path does not exist (any more). Web host: 404. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** The path lies outside every indexed folder, or is a link leading out of one. Web host: 403. */
export class OutsideFoldersError extends Error {
  override name = 'OutsideFoldersError';
}

/** The file is inside an indexed folder but not in the index (never indexed, ignored, or failed). Web host: 404. */
export class NotIndexedError extends Error {
  override name = 'NotIndexedError';
}

/** The folder is inside an indexed folder or contains one. Web host: 400. */
export class FolderOverlapError extends Error {
  override name = 'FolderOverlapError';
}
